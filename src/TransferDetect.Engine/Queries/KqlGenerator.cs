using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.M365;

namespace TransferDetect.Engine.Queries;

/// <summary>KQL text: literals and lists (Microsoft Sentinel / Log Analytics).</summary>
internal static class Kql
{
    /// <summary>A double-quoted string literal: backslash, quote and control characters escaped.</summary>
    public static string Literal(string? text)
    {
        if (text == null) return "\"\"";
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (ch < ' ') sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A dynamic array of strings, sorted (a stable text for the golden files).</summary>
    public static string Array(IEnumerable<string> values) =>
        "dynamic([" + string.Join(", ", values.OrderBy(v => v, StringComparer.Ordinal).Select(Literal)) + "])";

    public static string DateTime(DateTime utc) =>
        "datetime(" + utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + ")";

    /// <summary>The time window on TimeGenerated.</summary>
    public static string TimeFilter(DetectionQueryOptions? options)
    {
        var parts = new List<string>();
        if (options?.StartTime != null) parts.Add("TimeGenerated >= " + DateTime(options.StartTime.Value));
        if (options?.EndTime != null) parts.Add("TimeGenerated < " + DateTime(options.EndTime.Value));
        return parts.Count == 0 ? "" : "| where " + string.Join(" and ", parts) + "\n";
    }

    /// <summary>
    /// TrustZone.DomainOf and TrustZone.TrustsM365Domain as KQL functions: the domain of an address (a guest's home
    /// domain before #EXT#), trusted when it or a parent domain is listed.
    /// </summary>
    public static string DomainFunctions(IEnumerable<string> domains)
    {
        var list = domains.Select(d => d.ToLowerInvariant()).OrderBy(d => d, StringComparer.Ordinal).ToList();
        string parents = string.Concat(list.Select(d => " or d endswith " + Literal("." + d)));
        return
            "let TrustedDomains = " + Array(list) + ";\n" +
            "let DomainOf = (s:string) { tolower(trim_end(@\"\\.+\", case(s matches regex @\"(?i)^.+#EXT#\" and s matches regex @\"(?i)_[^_]*#EXT#\", extract(@\"(?i)_([^_]*)#EXT#\", 1, s), " +
            "s contains \"@\", extract(@\"@([^@]*)$\", 1, s), trim(@\"\\s+\", s)))) };\n" +
            "let IsTrustedDomain = (d:string) { isnotempty(d) and (d in~ (TrustedDomains)" + parents + ") };\n";
    }

    /// <summary>The severity rules of ExternalShareDetector.SeverityOf, unless a judge fixed one (FixedSeverity).</summary>
    public const string Severity =
        "| extend Severity = case(isnotempty(FixedSeverity), FixedSeverity,\n" +
        "    not(Succeeded), iff(Verdict == \"Public\", \"Medium\", \"Low\"),\n" +
        "    Verdict == \"Public\", \"Critical\", Verdict == \"External\", \"High\", \"Medium\")\n";

    public const string Output =
        "| where Verdict != \"Trusted\"\n" +
        "| project EventId, EventTime, Operation, Category, ResourceType, ResourceId, AccountId, Actor, SourceIp, Action, Grantee, GranteeType, Permission, ErrorCode, Verdict, Severity\n" +
        "| order by EventTime asc, EventId asc, Grantee asc\n";
}

/// <summary>
/// The Azure catalogue (<see cref="AzureOperations.All"/>) as one KQL query over Log Analytics' AzureActivity table:
/// the operations come from the catalogue objects, the trusted tenants, subscriptions and domains from the zone,
/// the grantee extraction of <see cref="AzureActivityInterpreter"/> and the verdicts of <see cref="AzureJudge"/>
/// written as close to them as KQL allows (the approximations are listed in the README).
/// </summary>
internal static class AzureKqlGenerator
{
    public static string Generate(TrustZone zone, DetectionQueryOptions? options = null)
    {
        var sb = new StringBuilder();
        sb.Append("// TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's Azure catalogue.\n");
        sb.Append("// Table: AzureActivity (Log Analytics / Microsoft Sentinel). One row per finding; severity and verdict as Find-ExternalShare gives them.\n");
        sb.Append("let TrustedTenants = ").Append(Kql.Array(zone.AzureTenants.Select(t => t.ToLowerInvariant()))).Append(";\n");
        sb.Append("let TrustedSubscriptions = ").Append(Kql.Array(zone.AzureSubscriptions.Select(t => t.ToLowerInvariant()))).Append(";\n");
        sb.Append(Kql.DomainFunctions(zone.M365Domains));
        sb.Append("let Catalogue = datatable(Operation:string, Kind:string, ShareCategory:string, ShareResourceType:string) [\n");
        sb.Append(string.Join(",\n", AzureOperations.All.Select(o =>
            $"    {Kql.Literal(o.Name)}, {Kql.Literal(o.Kind.ToString())}, {Kql.Literal(o.Category.ToString())}, {Kql.Literal(o.ResourceType)}")));
        sb.Append("\n];\n");
        // The records of one operation (Started, Accepted, Succeeded...) folded into one, as AzureActivityFold does by correlation id.
        sb.Append("let Activity = AzureActivity\n");
        sb.Append(Kql.TimeFilter(options));
        sb.Append("| extend OperationKey = tolower(trim(@\"\\s+\", OperationNameValue))\n");
        sb.Append("| lookup kind=inner (Catalogue | extend OperationKey = tolower(Operation)) on OperationKey\n");
        sb.Append("| extend Props = iff(isnotempty(Properties_d), Properties_d, parse_json(Properties))\n");
        sb.Append("| extend RequestText = tostring(coalesce(Props.requestbody, Props.requestBody)), ResponseText = tostring(coalesce(Props.responseBody, Props.responsebody))\n");
        sb.Append("| extend ClaimsBag = iff(isnotempty(Claims_d), Claims_d, parse_json(Claims))\n");
        sb.Append("| extend CallerTenant = tolower(coalesce(tostring(ClaimsBag[\"http://schemas.microsoft.com/identity/claims/tenantid\"]), tostring(ClaimsBag.tid)))\n");
        sb.Append("| summarize EventTime = min(TimeGenerated), EventId = take_any(EventDataId),\n");
        sb.Append("    Status = take_anyif(ActivityStatusValue, ActivityStatusValue in~ (\"Success\", \"Succeeded\", \"Failed\")),\n");
        sb.Append("    ErrorCode = take_anyif(ActivitySubstatusValue, ActivityStatusValue =~ \"Failed\"),\n");
        sb.Append("    RequestText = take_anyif(RequestText, isnotempty(RequestText)), ResponseText = take_anyif(ResponseText, isnotempty(ResponseText)),\n");
        sb.Append("    Actor = take_anyif(Caller, isnotempty(Caller)), SourceIp = take_anyif(CallerIpAddress, isnotempty(CallerIpAddress)),\n");
        sb.Append("    CallerTenant = take_anyif(CallerTenant, isnotempty(CallerTenant)), Hierarchy = take_anyif(Hierarchy, isnotempty(Hierarchy))\n");
        sb.Append("    by CorrelationId, Operation, Kind, Category = ShareCategory, ResourceType = ShareResourceType, ResourceId = tolower(_ResourceId), AccountId = tolower(SubscriptionId)\n");
        sb.Append("| where isnotempty(Status)\n");
        sb.Append("| extend Succeeded = Status !~ \"Failed\", OwnerTenant = tolower(tostring(split(Hierarchy, \"/\")[0]))\n");
        sb.Append("| extend RequestBody = parse_json(RequestText), ResponseBody = parse_json(ResponseText)\n");
        sb.Append("| extend Body = iff(isnotempty(RequestBody.properties), RequestBody.properties, RequestBody);\n");
        string fixedNone = "FixedSeverity = \"\"";
        var branches = new List<string>
        {
            // A SAS URI to download a disk, snapshot or restore point: a bearer link (AzureJudge.GetAccess).
            Branch(AzureOperationKind.GetAccessBegin,
                $"Action = \"Add\", Grantee = {Kql.Literal(AzureActivityInterpreter.SasGrantee)}, GranteeType = \"AnonymousLink\", Permission = tostring(Body.access),\n" +
                "        Verdict = \"Public\", FixedSeverity = iff(Succeeded, \"High\", \"\")"),
            // Keys or a SAS token handed to the caller (AzureJudge.KeyOrSas): outside the zone when the caller signed in to another tenant.
            Branch(AzureOperationKind.StorageKeyOrSas,
                $"Action = \"Add\", Grantee = Actor, GranteeType = \"User\", Permission = iff(Operation == {Kql.Literal(AzureOperations.ListKeys)}, \"account keys\", tostring(Body.signedPermission)),\n" +
                "        Verdict = iff(Succeeded and isnotempty(CallerTenant) and isnotempty(OwnerTenant) and CallerTenant != OwnerTenant and not(CallerTenant in~ (TrustedTenants)), \"External\", \"Unknown\")\n" +
                "| extend FixedSeverity = case(not(Succeeded), \"Low\", Verdict == \"External\", \"High\", \"Medium\")"),
            // Guardrails loosened (AzureJudge.Guardrail): public blob access High, cross-tenant replication Medium.
            Branch(AzureOperationKind.StorageAccountWrite,
                "BlobPublic = tostring(Body.allowBlobPublicAccess) =~ \"true\", CrossTenant = tostring(Body.allowCrossTenantReplication) =~ \"true\"\n" +
                "| where BlobPublic or CrossTenant\n" +
                $"| extend Action = \"Add\", Grantee = iff(BlobPublic, {Kql.Literal(AzureActivityInterpreter.PublicBlobGrantee)}, {Kql.Literal(AzureActivityInterpreter.CrossTenantGrantee)}), GranteeType = iff(BlobPublic, \"Public\", \"Tenant\"),\n" +
                "        Permission = strcat(\"allowBlobPublicAccess=\", tostring(Body.allowBlobPublicAccess), \", allowCrossTenantReplication=\", tostring(Body.allowCrossTenantReplication)),\n" +
                "        Verdict = iff(BlobPublic, \"Public\", \"Unknown\"), FixedSeverity = case(BlobPublic and Succeeded, \"High\", BlobPublic, \"Medium\", Succeeded, \"Medium\", \"Low\")"),
            // publicAccess Blob or Container: the container is public.
            Branch(AzureOperationKind.ContainerWrite,
                "Permission = tostring(coalesce(Body.publicAccess, RequestBody.publicAccess))\n" +
                "| where Permission in~ (\"Blob\", \"Container\")\n" +
                $"| extend Action = \"Add\", Grantee = {Kql.Literal(AzureActivityInterpreter.PublicBlobGrantee)}, GranteeType = \"Public\", Verdict = \"Public\", {fixedNone}"),
            // Blobs replicated to a destination account: its subscription when it is named by resource id, else Unknown.
            Branch(AzureOperationKind.ObjectReplicationWrite,
                "Destination = tostring(Body.destinationAccount)\n" +
                "| where isnotempty(Destination)\n" +
                "| extend DestinationSubscription = tolower(extract(@\"(?i)^/subscriptions/([^/]+)/\", 1, Destination))\n" +
                "| extend Action = \"Add\", Grantee = iff(isnotempty(DestinationSubscription), DestinationSubscription, Destination), GranteeType = iff(isnotempty(DestinationSubscription), \"Subscription\", \"Unknown\"), Permission = \"\",\n" +
                "        Verdict = case(isempty(DestinationSubscription), \"Unknown\", DestinationSubscription == AccountId or DestinationSubscription in~ (TrustedSubscriptions), \"Trusted\", \"External\"), " + fixedNone),
            // A gallery shared with the community (public), or with subscriptions and tenants: one row per id outside the zone.
            Branch(AzureOperationKind.GalleryShare,
                "ShareType = tolower(tostring(Body.operationType))\n" +
                "| where ShareType in (\"add\", \"enablecommunity\")\n" +
                "| extend Groups = iff(ShareType == \"add\", Body.groups, dynamic([{\"type\": \"Community\", \"ids\": [\"community\"]}]))\n" +
                "| mv-expand Group = Groups\n" +
                "| mv-expand Id = Group.ids to typeof(string)\n" +
                "| extend GroupType = tolower(tostring(Group.type)), Id = tolower(trim(@\"\\s+\", Id))\n" +
                "| where isnotempty(Id) and GroupType in (\"aadtenants\", \"subscriptions\", \"community\")\n" +
                $"| extend Action = \"Add\", Grantee = iff(GroupType == \"community\", {Kql.Literal(AzureActivityInterpreter.CommunityGrantee)}, Id), GranteeType = case(GroupType == \"community\", \"Public\", GroupType == \"subscriptions\", \"Subscription\", \"Tenant\"), Permission = \"\",\n" +
                "        Verdict = case(GroupType == \"community\", \"Public\",\n" +
                "            GroupType == \"subscriptions\", iff(Id == AccountId or Id in~ (TrustedSubscriptions), \"Trusted\", \"External\"),\n" +
                "            iff(Id == OwnerTenant or Id in~ (TrustedTenants), \"Trusted\", \"External\")), " + fixedNone),
            // A Data Share invitation to a tenant, else to an email address (judged by its domain).
            Branch(AzureOperationKind.DataShareInvitation,
                "Tenant = tolower(tostring(Body.targetActiveDirectoryId)), Email = tostring(Body.targetEmail)\n" +
                "| where isnotempty(Tenant) or isnotempty(Email)\n" +
                "| extend Action = \"Add\", Grantee = iff(isnotempty(Tenant), Tenant, Email), GranteeType = iff(isnotempty(Tenant), \"Tenant\", \"User\"), Permission = \"\",\n" +
                "        Verdict = case(isnotempty(Tenant), iff(Tenant == OwnerTenant or Tenant in~ (TrustedTenants), \"Trusted\", \"External\"), IsTrustedDomain(DomainOf(Email)), \"Trusted\", \"External\"), " + fixedNone),
            // A disk or snapshot copied from a source in another subscription: the source was used by this subscription.
            Branch(AzureOperationKind.DiskCopy,
                "Creation = iff(isnotempty(RequestBody.properties.creationData), RequestBody.properties.creationData, ResponseBody.properties.creationData)\n" +
                "| extend Source = tostring(Creation.sourceResourceId)\n" +
                "| extend SourceSubscription = tolower(extract(@\"(?i)^/subscriptions/([^/]+)/\", 1, Source))\n" +
                "| where isnotempty(SourceSubscription) and isnotempty(AccountId) and SourceSubscription != AccountId\n" +
                "| extend Action = \"Use\", Grantee = AccountId, GranteeType = \"Subscription\", Permission = tostring(Creation.createOption)\n" +
                "| extend ResourceId = tolower(Source), AccountId = SourceSubscription, Verdict = iff(Grantee in~ (TrustedSubscriptions), \"Trusted\", \"External\"), " + fixedNone),
        };
        sb.Append("union\n").Append(string.Join(",\n", branches)).Append('\n');
        sb.Append(Kql.Severity).Append(Kql.Output);
        return sb.ToString();
    }

    private static string Branch(AzureOperationKind kind, string extend) =>
        $"    (Activity | where Kind == {Kql.Literal(kind.ToString())}\n| extend {extend})";

    /// <summary>The operation kinds that never give a finding on their own (revocations, folded into their grant by the engine).</summary>
    public static readonly AzureOperationKind[] RevocationKinds = { AzureOperationKind.GetAccessEnd, AzureOperationKind.DataShareInvitationDelete };
}

/// <summary>
/// The Microsoft 365 catalogue (<see cref="M365Operations.All"/>) as one KQL query over the OfficeActivity table,
/// with the trusted domains of the zone and the verdicts of <see cref="M365Judge"/>.
/// </summary>
internal static class M365KqlGenerator
{
    public static string Generate(TrustZone zone, DetectionQueryOptions? options = null)
    {
        var sb = new StringBuilder();
        sb.Append("// TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's Microsoft 365 catalogue.\n");
        sb.Append("// Table: OfficeActivity (Microsoft Sentinel). One row per finding; severity and verdict as Find-ExternalShare gives them.\n");
        sb.Append(Kql.DomainFunctions(zone.M365Domains));
        sb.Append("let Catalogue = datatable(Operation:string, Kind:string, ShareCategory:string) [\n");
        sb.Append(string.Join(",\n", M365Operations.All.Select(o =>
            $"    {Kql.Literal(o.Name)}, {Kql.Literal(o.Kind.ToString())}, {Kql.Literal(o.Category.ToString())}")));
        sb.Append("\n];\n");
        sb.Append("OfficeActivity\n");
        sb.Append(Kql.TimeFilter(options));
        sb.Append("| extend OperationKey = tolower(trim(@\"\\s+\", Operation))\n");
        sb.Append("| lookup kind=inner (Catalogue | project OperationKey = tolower(Operation), Kind, ShareCategory) on OperationKey\n");
        sb.Append("| extend Succeeded = not(ResultStatus in~ (\"Failed\", \"False\")), ErrorCode = iff(ResultStatus in~ (\"Failed\", \"False\"), ResultStatus, \"\")\n");
        sb.Append("| extend Target = trim(@\"\\s+\", TargetUserOrGroupName), TargetType = tostring(TargetUserOrGroupType)\n");
        sb.Append("| extend GuestUpn = Target contains \"#EXT#\", LinkPart = tostring(split(Target, \".\")[2])\n");
        // M365Targets.LinkKindOf: a SharingLinks.<item>.<kind>.<id> group stands for a link, not a person.
        sb.Append("| extend LinkKind = case(not(Target startswith \"SharingLinks.\"), \"None\", array_length(split(Target, \".\")) < 3, \"SpecificPeople\",\n");
        sb.Append("    LinkPart startswith \"Anonymous\", \"Anonymous\", LinkPart startswith \"Organization\", \"Organization\", \"SpecificPeople\")\n");
        // M365AuditInterpreter: a target is a link group (Anyone, organisation) or a user (an address, a guest UPN, a Guest or Partner);
        // a specific-people link's group and other names grant nothing to judge; SecureLinkCreated counts only with a user target.
        sb.Append("| extend UserTarget = Target matches regex @\"^[^@]+@\" or GuestUpn or TargetType in~ (\"Guest\", \"Partner\")\n");
        sb.Append("| where Kind in (\"AnonymousLink\", \"AnonymousLinkUse\", \"CompanyLink\", \"SharingPolicy\")\n");
        sb.Append("    or (Kind == \"Target\" and isnotempty(Target) and (LinkKind in (\"Anonymous\", \"Organization\") or (LinkKind == \"None\" and UserTarget)))\n");
        sb.Append("    or (Kind == \"SecureLink\" and isnotempty(Target) and LinkKind == \"None\" and UserTarget)\n");
        sb.Append("| extend EventId = OfficeId, EventTime = TimeGenerated, Category = ShareCategory, ResourceType = OfficeWorkload, ResourceId = coalesce(OfficeObjectId, Site_Url),\n");
        sb.Append("    AccountId = OrganizationId, Actor = UserId, SourceIp = ClientIP, Permission = \"\"\n");
        sb.Append("| extend Action = iff(Kind == \"AnonymousLinkUse\", \"Use\", \"Add\"),\n");
        sb.Append($"    Grantee = case(Kind in (\"AnonymousLink\", \"AnonymousLinkUse\") or LinkKind == \"Anonymous\", {Kql.Literal(M365SharingPolicy.Anyone)}, Kind == \"CompanyLink\" or LinkKind == \"Organization\", OrganizationId, Kind == \"SharingPolicy\", Site_Url, Target),\n");
        sb.Append("    GranteeType = case(Kind in (\"AnonymousLink\", \"AnonymousLinkUse\") or LinkKind == \"Anonymous\", \"AnonymousLink\", Kind == \"CompanyLink\" or LinkKind == \"Organization\", \"Organization\", Kind == \"SharingPolicy\", \"Unknown\", \"User\")\n");
        // M365Judge.User: a trusted domain, or a Member of the owner's directory (not a guest UPN), is trusted; an address, a guest or a partner is outside.
        sb.Append("| extend Verdict = case(\n");
        sb.Append("    GranteeType == \"AnonymousLink\", \"Public\",\n");
        sb.Append("    GranteeType == \"Organization\", \"Trusted\",\n");
        sb.Append("    Kind == \"SharingPolicy\", \"Unknown\",\n");
        sb.Append("    IsTrustedDomain(DomainOf(Target)), \"Trusted\",\n");
        sb.Append("    TargetType =~ \"Member\" and not(GuestUpn), \"Trusted\",\n");
        sb.Append("    UserTarget, \"External\",\n");
        sb.Append("    \"Unknown\")\n");
        sb.Append("| extend FixedSeverity = case(Kind == \"AnonymousLinkUse\", \"High\", Kind == \"SharingPolicy\", iff(Succeeded, \"Medium\", \"Low\"), \"\")\n");
        sb.Append(Kql.Severity).Append(Kql.Output);
        return sb.ToString();
    }
}
