using System.Collections.Generic;
using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Other resources shared with accounts: RAM resource shares, ECR repository policies, Lambda layer
/// permissions and SSM document permissions.
/// </summary>
internal static class ResourceGrantExtractors
{
    /// <summary>What Details says of a RAM share created with allowExternalPrincipals false.</summary>
    public const string RamInsideOrganization = "allowExternalPrincipals false: RAM accepts only principals in the owner's organization";

    /// <summary>allowExternalPrincipals false (JSON false or the text "false").</summary>
    private static readonly AwsCondition InsideOrganization = AwsCondition.LooseIs(Text(Rp("allowExternalPrincipals")), "false");

    public static readonly AwsDetectionDefinition[] Definitions =
    {
        ResourceShare("CreateResourceShare", ShareAction.Add),
        ResourceShare("AssociateResourceShare", ShareAction.Add),
        ResourceShare("DisassociateResourceShare", ShareAction.Remove),
        new("SetRepositoryPolicy", "ecr.amazonaws.com", ShareCategory.Resource, "EcrRepository", Text(Rp("repositoryName")), new[] { AwsPolicy.Document(Rp("policyText"), "policyText") }),
        LayerPermission("AddLayerVersionPermission", ShareAction.Add),
        LayerPermission("RemoveLayerVersionPermission", ShareAction.Remove),
        DocumentPermission(),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    /// <summary>
    /// <c>principals[]</c>: account ids, organization and OU ARNs, IAM role and user ARNs (service principals
    /// are AWS, not accounts). The share's resources go to Details; <c>allowExternalPrincipals: false</c> on
    /// CreateResourceShare means RAM itself refuses principals outside the owner's organization.
    /// </summary>
    private static AwsDetectionDefinition ResourceShare(string eventName, ShareAction action) =>
        new(eventName, "ram.amazonaws.com", ShareCategory.Resource, "RamResourceShare",
            FirstOf(Text(Rp("resourceShareArn")), Text(Response("resourceShare", "resourceShareArn")), Text(Rp("name"))),
            new[]
            {
                List(action, Rp("principals"), skipServicePrincipals: true, ramInsideOrganization: InsideOrganization).Described(
                    v => Rp("permissionArns").Resolve(v).Strings() is { Count: > 0 } p ? string.Join(", ", p) : null,
                    v =>
                    {
                        var details = new List<string>();
                        var resources = Rp("resourceArns").Resolve(v).Strings();
                        if (resources.Count > 0) details.Add("resources " + string.Join(", ", resources));
                        if (InsideOrganization.Holds(v)) details.Insert(0, RamInsideOrganization);
                        return details.Count > 0 ? string.Join("; ", details) : null;
                    }),
            });

    /// <summary>
    /// AddLayerVersionPermission: <c>principal</c> is an account id or "*"; "*" with <c>organizationId</c> is that
    /// organization. RemoveLayerVersionPermission names only the statement it removes.
    /// </summary>
    private static AwsDetectionDefinition LayerPermission(string eventName, ShareAction action)
    {
        var layer = JoinedWhenBoth(Text(Rp("layerName")), ":", Text(Rp("versionNumber")));
        var principal = Text(Rp("principal"));
        var organization = Text(Rp("organizationId"));
        var statement = Text(Rp("statementId"));
        var toOrganization = AwsCondition.And(AwsCondition.TrimmedIs(principal, "*"), AwsCondition.IsPresent(organization));
        AwsGranteeRule[] rules = action == ShareAction.Remove
            ? new[] { Value(ShareAction.Remove, Prefixed("statement ", FirstOf(statement, Const("(none recorded)"))), GranteeType.Unknown) }
            : new[]
            {
                Value(ShareAction.Add, organization).OnlyWhen(toOrganization).Described(
                    v => Text(Rp("action")).Eval(v),
                    v => "principal * limited to organization " + organization.Eval(v) + (statement.Eval(v) is { } s ? "; statement " + s : "")),
                Value(ShareAction.Add, principal).OnlyWhen(AwsCondition.Not(toOrganization))
                    .IncompleteWithout("has no principal, so who the layer is shared with cannot be read")
                    .Described(v => Text(Rp("action")).Eval(v), v => statement.Eval(v) is { } s ? "statement " + s : null),
            };
        return new(eventName, "lambda.amazonaws.com", ShareCategory.Resource, "LambdaLayerVersion", layer, rules, versionSuffix: true);
    }

    /// <summary>
    /// ModifyDocumentPermission with <c>permissionType</c> Share: <c>accountIdsToAdd</c> / <c>accountIdsToRemove</c>
    /// (account ids, or "All" for public).
    /// </summary>
    private static AwsDetectionDefinition DocumentPermission()
    {
        System.Func<AwsRecordView, string?> details = v => Text(Rp("sharedDocumentVersion")).Eval(v) is { } version ? "document version " + version : null;
        return new("ModifyDocumentPermission", "ssm.amazonaws.com", ShareCategory.Resource, "SsmDocument", Text(Rp("name")),
            new[]
            {
                List(ShareAction.Add, Rp("accountIdsToAdd")).Described(_ => "Share", details),
                List(ShareAction.Remove, Rp("accountIdsToRemove")).Described(_ => "Share", details),
            },
            when: new[] { AwsCondition.AbsentOrIs(Text(Rp("permissionType")), "Share") });
    }
}
