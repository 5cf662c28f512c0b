using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The KMS calls that let another account use a key (needed to read an encrypted snapshot or
/// bucket shared with it): CreateGrant (and RetireGrant / RevokeGrant, which end one) and PutKeyPolicy.
/// </summary>
internal static class KeyGrantExtractors
{
    private const string Kms = "kms.amazonaws.com";

    public static readonly AwsDetectionDefinition[] Definitions =
    {
        // granteePrincipal: an account, IAM or STS ARN (its account), or a service principal (ec2.us-east-1.amazonaws.com,
        // "AWS Internal"): AWS services create grants on the owner's behalf all day, and those are no share.
        new("CreateGrant", Kms, ShareCategory.Key, "KmsKey", Text(Rp("keyId")),
            new[]
            {
                Value(ShareAction.Add, Text(Rp("granteePrincipal")), skipServicePrincipals: true)
                    .IncompleteWithout("has no granteePrincipal, so who the grant is for cannot be read")
                    .Described(v => string.Join(", ", Rp("operations").Resolve(v).Strings()), v => Text(Rp("name")).Eval(v) is { } n ? "grant " + n : null),
            }),
        EndGrant("RetireGrant"),
        EndGrant("RevokeGrant"),
        new("PutKeyPolicy", Kms, ShareCategory.Key, "KmsKey", Text(Rp("keyId")), new[] { AwsPolicy.Document(Rp("policy"), "policy") }),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    /// <summary>RetireGrant / RevokeGrant name the grant (<c>grantId</c>, or a <c>grantToken</c>), not its grantee.</summary>
    private static AwsDetectionDefinition EndGrant(string eventName) =>
        new(eventName, Kms, ShareCategory.Key, "KmsKey", Text(Rp("keyId")),
            new[] { Value(ShareAction.Remove, FirstOf(Prefixed("grant ", Text(Rp("grantId"))), Const("grant (by token)")), GranteeType.Unknown) });
}
