using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>What one CloudTrail record grants or revokes, before it becomes share events.</summary>
internal sealed class AwsGrantSet
{
    public AwsGrantSet(string resourceType, string? resourceId)
    {
        ResourceType = resourceType;
        ResourceId = resourceId;
    }

    public string ResourceType { get; }
    public string? ResourceId { get; }
    public List<(ShareAction Action, string Grantee)> Grants { get; } = new();

    public void Add(ShareAction action, string? grantee)
    {
        if (!string.IsNullOrEmpty(grantee)) Grants.Add((action, grantee!));
    }
}
