using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Reads the grants of the S3 calls that open a bucket to other accounts: PutBucketPolicy, PutBucketAcl,
/// PutBucketReplication, and the data event CopyObject into a bucket of another account.
/// </summary>
internal static class StorageGrantExtractors
{
    private const string S3 = "s3.amazonaws.com";

    /// <summary>What Details says when a bucket is named without the account that owns it.</summary>
    public const string OwnerNotRecorded = "destination bucket owner not recorded";

    public static readonly AwsShareOperation[] Operations =
    {
        new AwsDetectionDefinition("PutBucketPolicy", S3, ShareCategory.Storage, "S3Bucket", AwsValue.Text(AwsPath.Rp("bucketName")),
            new[] { AwsPolicy.Document(AwsPath.Rp("bucketPolicy"), "bucketPolicy") }).ToOperation(),
        new("PutBucketAcl", S3, ShareCategory.Storage, (rp, _) => BucketAcl(rp)),
        new("PutBucketReplication", S3, ShareCategory.Storage, (rp, _) => Replication(rp)),
        new("CopyObject", S3, ShareCategory.Storage, CopyObject),
    };

    /// <summary>
    /// Procedural (no definition, so no generated query yet): the ACL in the body (<c>AccessControlPolicy.AccessControlList.Grant</c>, one grant or a list) or in the
    /// headers (<c>x-amz-acl</c> canned ACLs, <c>x-amz-grant-*</c> lists). AllUsers and AuthenticatedUsers are
    /// public; a canonical user id other than the bucket owner's (<c>Owner.ID</c>) and an e-mail grantee are
    /// users outside the zone (the zone has no canonical ids), and a canonical id that cannot be compared with the
    /// owner's (header form) is unknown; the LogDelivery group only writes access logs.
    /// </summary>
    private static AwsGrantSet BucketAcl(JsonElement rp)
    {
        var set = new AwsGrantSet("S3Bucket", rp.Text("bucketName"));
        var policy = rp.Get("AccessControlPolicy");
        bool found = false;
        if (policy.ValueKind == JsonValueKind.Object)
        {
            found = true;
            string? owner = policy.Get("Owner").Text("ID");
            foreach (var grant in policy.Get("AccessControlList").Get("Grant").OneOrMany())
            {
                var grantee = grant.Get("Grantee");
                AddAclGrantee(set, grant.Text("Permission"), grantee.Text("URI"), grantee.Text("ID"), grantee.Text("EmailAddress"), grantee.Text("DisplayName"), owner);
            }
        }
        var canned = rp.Get("x-amz-acl");
        if (canned.ValueKind != JsonValueKind.Undefined)
        {
            found = true;
            foreach (string acl in canned.Strings()) CannedAcl(set, acl.Trim());
        }
        foreach (var (header, permission) in GrantHeaders)
        {
            var value = rp.Get(header);
            if (value.ValueKind == JsonValueKind.Undefined) continue;
            found = true;
            foreach (string list in value.Strings())
            {
                foreach (string entry in list.Split(','))
                {
                    int eq = entry.IndexOf('=');
                    if (eq <= 0) continue;
                    string type = entry.Substring(0, eq).Trim();
                    string id = entry.Substring(eq + 1).Trim().Trim('"');
                    bool isUri = string.Equals(type, "uri", StringComparison.OrdinalIgnoreCase);
                    bool isEmail = string.Equals(type, "emailAddress", StringComparison.OrdinalIgnoreCase);
                    AddAclGrantee(set, permission, isUri ? id : null, !isUri && !isEmail ? id : null, isEmail ? id : null, null, null);
                }
            }
        }
        return found ? set : set.Incomplete("has neither an AccessControlPolicy nor x-amz-acl / x-amz-grant-* headers, so what it grants cannot be read");
    }

    private static readonly (string Header, string Permission)[] GrantHeaders =
    {
        ("x-amz-grant-read", "READ"), ("x-amz-grant-write", "WRITE"), ("x-amz-grant-read-acp", "READ_ACP"),
        ("x-amz-grant-write-acp", "WRITE_ACP"), ("x-amz-grant-full-control", "FULL_CONTROL"),
    };

    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>public-read, public-read-write and authenticated-read open the bucket; the other canned ACLs keep it to the owner.</summary>
    private static void CannedAcl(AwsGrantSet set, string acl)
    {
        string details = "canned ACL " + acl;
        switch (acl.ToLowerInvariant())
        {
            case "public-read":
                set.Add(ShareAction.Add, AllUsers, GranteeType.Public, "READ", details);
                break;
            case "public-read-write":
                set.Add(ShareAction.Add, AllUsers, GranteeType.Public, "READ, WRITE", details);
                break;
            case "authenticated-read":
                set.Add(ShareAction.Add, AuthenticatedUsers, GranteeType.Public, "READ", details);
                break;
        }
    }

    private static void AddAclGrantee(AwsGrantSet set, string? permission, string? uri, string? id, string? email, string? displayName, string? owner)
    {
        if (uri != null)
        {
            if (AwsGrantee.IsLogDeliveryGroup(uri)) return;
            bool everyone = AwsGrantee.IsPublicGroup(uri);
            set.Add(ShareAction.Add, uri, everyone ? GranteeType.Public : GranteeType.Unknown, permission, everyone ? null : "S3 group");
        }
        else if (id != null)
        {
            if (string.Equals(id, owner, StringComparison.OrdinalIgnoreCase)) return;
            string name = displayName != null ? $"S3 canonical user id ({displayName})" : "S3 canonical user id";
            if (owner != null)
            {
                set.Add(ShareAction.Add, id, GranteeType.User, permission, name);
            }
            else
            {
                // Without the owner's canonical id (header form, or a body without Owner) the grant may be the owner's own.
                set.Add(ShareAction.Add, id, GranteeType.Unknown, permission, name + "; the record has no owner id to compare it with");
            }
        }
        else if (email != null)
        {
            set.Add(ShareAction.Add, email, GranteeType.User, permission, "e-mail address of an AWS account");
        }
    }

    /// <summary>
    /// <c>ReplicationConfiguration.Rule</c> (one rule or a list): each enabled rule copies new objects to
    /// <c>Destination.Bucket</c>, owned by <c>Destination.Account</c> when the rule names it. Without it the
    /// owner is unknown (a bucket ARN has no account). A disabled rule copies nothing and is no grant.
    /// </summary>
    private static AwsGrantSet Replication(JsonElement rp)
    {
        var set = new AwsGrantSet("S3Bucket", rp.Text("bucketName"));
        var configuration = rp.Get("ReplicationConfiguration");
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            return set.Incomplete("has no ReplicationConfiguration, so where it copies to cannot be read");
        }
        foreach (var rule in configuration.Get("Rule", "Rules").OneOrMany())
        {
            if (string.Equals(rule.Text("Status"), "Disabled", StringComparison.OrdinalIgnoreCase)) continue;
            var destination = rule.Get("Destination");
            string? bucket = destination.Text("Bucket");
            string? account = destination.Text("Account");
            if (bucket == null && account == null)
            {
                set.Incomplete("has a replication rule without a destination bucket or account");
                continue;
            }
            var details = new List<string>();
            if (bucket != null) details.Add("destination bucket " + bucket);
            if (string.Equals(destination.Get("AccessControlTranslation").Text("Owner"), "Destination", StringComparison.OrdinalIgnoreCase))
            {
                details.Add("replicas owned by the destination account");
            }
            string? id = rule.Text("ID");
            if (id != null) details.Add("rule " + id);
            if (account != null)
            {
                set.Add(ShareAction.Add, account, null, "replication", string.Join("; ", details));
            }
            else
            {
                details.Insert(0, OwnerNotRecorded);
                set.Add(ShareAction.Add, AwsJson.BucketArn(bucket!), GranteeType.Unknown, "replication", string.Join("; ", details));
            }
        }
        return set;
    }

    /// <summary>x-amz-copy-source is URL-encoded; text that does not decode is kept as written.</summary>
    private static string Unescaped(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>
    /// CopyObject (a data event): <c>bucketName</c> is the destination, <c>x-amz-copy-source</c> the source
    /// bucket and key; <c>resources[]</c> names each bucket with its owner's <c>accountId</c>. A copy into a
    /// bucket of another account than the source's is a grant to that account; a copy within one account is
    /// none. A destination bucket listed without an owner (CloudTrail redacts it on some cross-account calls)
    /// is reported with its owner unknown. When the request's bucket names are not among the resources, a
    /// bucket of another account than the recipient's is still reported, saying the direction is not recorded.
    /// </summary>
    private static AwsGrantSet? CopyObject(JsonElement rp, JsonElement record)
    {
        string? destination = rp.Text("bucketName");
        string? copySource = rp.Get("x-amz-copy-source").Strings() is { Count: > 0 } s ? Unescaped(s[0]).TrimStart('/') : null;
        string? source = copySource?.Split('/')[0];
        string? key = rp.Text("key");
        var set = new AwsGrantSet("S3Object", copySource ?? (destination != null ? destination + "/" + key : null));
        string recipient = record.Text("recipientAccountId") ?? "";

        var buckets = new List<(string Name, string? Account)>();
        foreach (var resource in record.Get("resources").OneOrMany())
        {
            if (!string.Equals(resource.Text("type"), "AWS::S3::Bucket", StringComparison.OrdinalIgnoreCase)) continue;
            string? arn = resource.Text("ARN");
            if (arn != null && arn.StartsWith("arn:", StringComparison.Ordinal)) buckets.Add((arn.Substring(arn.LastIndexOf(':') + 1), resource.Text("accountId")));
        }
        int at = destination == null ? -1 : buckets.FindIndex(b => b.Name == destination);
        string? sourceAccount = source == null ? null : buckets.Find(b => b.Name == source).Account;
        set.OwnerAccountId = sourceAccount;
        string where = $"copied to s3://{destination}/{key}";
        if (at >= 0)
        {
            string? destinationAccount = buckets[at].Account;
            if (destinationAccount == null)
            {
                set.Add(ShareAction.Add, AwsJson.BucketArn(destination!), GranteeType.Unknown, "CopyObject", OwnerNotRecorded + "; " + where);
            }
            else if (destinationAccount != (sourceAccount ?? recipient))
            {
                set.Add(ShareAction.Add, destinationAccount, null, "CopyObject", where + " (bucket of account " + destinationAccount + ")");
            }
            return set;
        }
        foreach (var (name, account) in buckets)
        {
            if (account != null && account != recipient)
            {
                set.Add(ShareAction.Add, account, null, "CopyObject",
                    $"bucket {name} of account {account} takes part in a copy ({where}); the record's resources do not say which bucket is the destination");
            }
        }
        return set;
    }
}
