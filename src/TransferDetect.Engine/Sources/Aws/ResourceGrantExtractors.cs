using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Other resources shared with accounts: RAM resource shares, ECR repository policies, Lambda layer
/// permissions and SSM document permissions.
/// </summary>
internal static class ResourceGrantExtractors
{
    /// <summary>What Details says of a RAM share created with allowExternalPrincipals false.</summary>
    public const string RamInsideOrganization = "allowExternalPrincipals false: RAM accepts only principals in the owner's organization";

    public static readonly AwsShareOperation[] Operations =
    {
        new("CreateResourceShare", "ram.amazonaws.com", ShareCategory.Resource, (rp, record) => ResourceShare(rp, record, ShareAction.Add)),
        new("AssociateResourceShare", "ram.amazonaws.com", ShareCategory.Resource, (rp, record) => ResourceShare(rp, record, ShareAction.Add)),
        new("DisassociateResourceShare", "ram.amazonaws.com", ShareCategory.Resource, (rp, record) => ResourceShare(rp, record, ShareAction.Remove)),
        new("SetRepositoryPolicy", "ecr.amazonaws.com", ShareCategory.Resource, (rp, _) => AwsPolicy.Read(new AwsGrantSet("EcrRepository", rp.Text("repositoryName")), rp.Get("policyText"), "policyText")),
        new("AddLayerVersionPermission", "lambda.amazonaws.com", ShareCategory.Resource, (rp, _) => LayerPermission(rp, ShareAction.Add), versionSuffix: true),
        new("RemoveLayerVersionPermission", "lambda.amazonaws.com", ShareCategory.Resource, (rp, _) => LayerPermission(rp, ShareAction.Remove), versionSuffix: true),
        new("ModifyDocumentPermission", "ssm.amazonaws.com", ShareCategory.Resource, (rp, _) => DocumentPermission(rp)),
    };

    /// <summary>
    /// <c>principals[]</c>: account ids, organization and OU ARNs, IAM role and user ARNs (service principals
    /// are AWS, not accounts). The share's resources go to Details; <c>allowExternalPrincipals: false</c> on
    /// CreateResourceShare means RAM itself refuses principals outside the owner's organization.
    /// </summary>
    private static AwsGrantSet ResourceShare(JsonElement rp, JsonElement record, ShareAction action)
    {
        string? id = rp.Text("resourceShareArn") ?? record.Get("responseElements").Get("resourceShare").Text("resourceShareArn") ?? rp.Text("name");
        var set = new AwsGrantSet("RamResourceShare", id);
        var details = new List<string>();
        var resources = rp.Get("resourceArns").Strings();
        if (resources.Count > 0) details.Add("resources " + string.Join(", ", resources));
        if (rp.Get("allowExternalPrincipals").Bool() == false) details.Insert(0, RamInsideOrganization);
        string? text = details.Count > 0 ? string.Join("; ", details) : null;
        var permissions = rp.Get("permissionArns").Strings();
        string? permission = permissions.Count > 0 ? string.Join(", ", permissions) : null;
        foreach (string principal in rp.Get("principals").Strings())
        {
            if (!AwsGrantee.IsServicePrincipal(principal)) set.Add(action, principal, null, permission, text);
        }
        return set;
    }

    /// <summary>
    /// AddLayerVersionPermission: <c>principal</c> is an account id or "*"; "*" with <c>organizationId</c> is that
    /// organization. RemoveLayerVersionPermission names only the statement it removes.
    /// </summary>
    private static AwsGrantSet LayerPermission(JsonElement rp, ShareAction action)
    {
        string? layer = rp.Text("layerName");
        string? version = rp.Text("versionNumber");
        var set = new AwsGrantSet("LambdaLayerVersion", layer != null && version != null ? layer + ":" + version : layer);
        string? statement = rp.Text("statementId");
        if (action == ShareAction.Remove)
        {
            set.Add(ShareAction.Remove, "statement " + (statement ?? "(none recorded)"), GranteeType.Unknown);
            return set;
        }
        string? principal = rp.Text("principal");
        if (principal == null) return set.Incomplete("has no principal, so who the layer is shared with cannot be read");
        string? organization = rp.Text("organizationId");
        string? details = statement != null ? "statement " + statement : null;
        if (principal.Trim() == "*" && organization != null)
        {
            set.Add(ShareAction.Add, organization, null, rp.Text("action"), "principal * limited to organization " + organization + (details != null ? "; " + details : ""));
        }
        else
        {
            set.Add(ShareAction.Add, principal, null, rp.Text("action"), details);
        }
        return set;
    }

    /// <summary>
    /// ModifyDocumentPermission with <c>permissionType</c> Share: <c>accountIdsToAdd</c> / <c>accountIdsToRemove</c>
    /// (account ids, or "All" for public).
    /// </summary>
    private static AwsGrantSet DocumentPermission(JsonElement rp)
    {
        var set = new AwsGrantSet("SsmDocument", rp.Text("name"));
        string? type = rp.Text("permissionType");
        if (type != null && !string.Equals(type, "Share", StringComparison.OrdinalIgnoreCase)) return set;
        string? version = rp.Text("sharedDocumentVersion");
        string? details = version != null ? "document version " + version : null;
        foreach (string account in rp.Get("accountIdsToAdd").Strings()) set.Add(ShareAction.Add, account, null, "Share", details);
        foreach (string account in rp.Get("accountIdsToRemove").Strings()) set.Add(ShareAction.Remove, account, null, "Share", details);
        return set;
    }
}
