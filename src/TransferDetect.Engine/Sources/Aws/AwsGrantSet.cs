using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>One grant or revocation read from a CloudTrail record.</summary>
internal readonly struct AwsGrant
{
    public AwsGrant(ShareAction action, string grantee, GranteeType? granteeType, string? permission, string? details)
    {
        Action = action;
        Grantee = grantee;
        GranteeType = granteeType;
        Permission = permission;
        Details = details;
    }

    public ShareAction Action { get; }
    public string Grantee { get; }

    /// <summary>Set when the grantee's kind is known from where it was written (an S3 group URI, a canonical id); otherwise the grantee text is classified.</summary>
    public GranteeType? GranteeType { get; }
    public string? Permission { get; }
    public string? Details { get; }
}

/// <summary>What one CloudTrail record grants or revokes, before it becomes share events.</summary>
internal sealed class AwsGrantSet
{
    public AwsGrantSet(string resourceType, string? resourceId)
    {
        ResourceType = resourceType;
        ResourceId = resourceId;
    }

    public string ResourceType { get; }
    public string? ResourceId { get; private set; }

    /// <summary>Sets the resource id when the extractor computes it (CopyObject: the copy source).</summary>
    public AwsGrantSet WithResourceId(string? id)
    {
        ResourceId = id;
        return this;
    }
    public List<AwsGrant> Grants { get; } = new();

    /// <summary>The account that owns the data when the record names it (the source bucket of a copy); null for recipientAccountId.</summary>
    public string? OwnerAccountId { get; set; }

    /// <summary>Why the record's grant could not be read in full (an unparseable policy); reported as an incomplete record.</summary>
    public string? Problem { get; private set; }

    /// <summary>Notes what could not be read; the first problem is the one reported.</summary>
    public AwsGrantSet Incomplete(string problem)
    {
        Problem ??= problem;
        return this;
    }

    public void Add(ShareAction action, string? grantee, GranteeType? granteeType = null, string? permission = null, string? details = null)
    {
        if (!string.IsNullOrEmpty(grantee)) Grants.Add(new AwsGrant(action, grantee!, granteeType, permission, details));
    }
}
