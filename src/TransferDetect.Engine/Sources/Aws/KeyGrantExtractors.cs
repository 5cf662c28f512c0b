using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Reads the KMS calls that let another account use a key (needed to read an encrypted snapshot or
/// bucket shared with it): CreateGrant (and RetireGrant / RevokeGrant, which end one) and PutKeyPolicy.
/// </summary>
internal static class KeyGrantExtractors
{
    private const string Kms = "kms.amazonaws.com";

    public static readonly AwsShareOperation[] Operations =
    {
        new("CreateGrant", Kms, ShareCategory.Key, (rp, _) => CreateGrant(rp)),
        new("RetireGrant", Kms, ShareCategory.Key, (rp, _) => EndGrant(rp)),
        new("RevokeGrant", Kms, ShareCategory.Key, (rp, _) => EndGrant(rp)),
        new("PutKeyPolicy", Kms, ShareCategory.Key, (rp, _) => AwsPolicy.Read(new AwsGrantSet("KmsKey", rp.Text("keyId")), rp.Get("policy"), "policy")),
    };

    /// <summary>
    /// <c>granteePrincipal</c>: an account, IAM or STS ARN (its account), or a service principal
    /// (ec2.us-east-1.amazonaws.com, "AWS Internal"): AWS services create grants on the owner's behalf
    /// all day, and those are no share.
    /// </summary>
    private static AwsGrantSet CreateGrant(JsonElement rp)
    {
        var set = new AwsGrantSet("KmsKey", rp.Text("keyId"));
        string? grantee = rp.Text("granteePrincipal");
        if (grantee == null) return set.Incomplete("has no granteePrincipal, so who the grant is for cannot be read");
        if (AwsGrantee.IsServicePrincipal(grantee)) return set;
        string? name = rp.Text("name");
        set.Add(ShareAction.Add, grantee, null, string.Join(", ", rp.Get("operations").Strings()), name != null ? "grant " + name : null);
        return set;
    }

    /// <summary>RetireGrant / RevokeGrant name the grant (<c>grantId</c>, or a <c>grantToken</c>), not its grantee.</summary>
    private static AwsGrantSet EndGrant(JsonElement rp)
    {
        var set = new AwsGrantSet("KmsKey", rp.Text("keyId"));
        string? id = rp.Text("grantId");
        set.Add(ShareAction.Remove, id != null ? "grant " + id : "grant (by token)", GranteeType.Unknown);
        return set;
    }
}
