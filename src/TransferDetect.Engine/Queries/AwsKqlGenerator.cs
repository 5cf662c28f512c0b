using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Queries;

/// <summary>
/// What a rule's KQL may refer to: the base row (the AWSCloudTrail columns, and <c>Rp</c>, <c>Re</c>, <c>Sd</c>: the
/// JSON documents parsed), the helper functions every AWS query defines (JText, JItems, JMembers, IsServicePrincipal),
/// and fresh column names.
/// </summary>
internal sealed class AwsKqlContext
{
    private int _names;

    public string NewName(string prefix) => prefix + (++_names).ToString(CultureInfo.InvariantCulture);

    /// <summary>The AWSCloudTrail columns for the record's top-level fields a definition may name.</summary>
    private static readonly Dictionary<string, string> RecordColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["recipientAccountId"] = "RecipientAccountId",
        ["awsRegion"] = "AWSRegion",
        ["userIdentity.accountId"] = "UserIdentityAccountId",
        ["eventName"] = "EventName",
    };

    private static string DocumentColumn(AwsRoot root) => root switch
    {
        AwsRoot.RequestParameters => "Rp",
        AwsRoot.ResponseElements => "Re",
        _ => "Sd",
    };

    /// <summary>
    /// The dynamic value at the path: at each step the first spelling present (member names are case-sensitive in
    /// KQL, as JSON paths are in SQL; the engine also matches any other case).
    /// </summary>
    public string Json(AwsPath path)
    {
        if (path.Root == AwsRoot.Record) throw new InvalidOperationException("Record fields are columns: use Text.");
        string json = DocumentColumn(path.Root);
        foreach (var step in path.Steps)
        {
            string parent = json;
            var spellings = step.Select(name => $"{parent}[{Kql.Literal(name)}]").ToList();
            json = spellings.Count == 1 ? spellings[0] : "coalesce(" + string.Join(", ", spellings) + ")";
        }
        return json;
    }

    /// <summary>The text at the path: a string, or the text of a number or boolean; empty otherwise (the engine's Str()).</summary>
    public string Text(AwsPath path)
    {
        if (path.Root == AwsRoot.Record)
        {
            string key = string.Join(".", path.Steps.Select(s => s[0]));
            return RecordColumns.TryGetValue(key, out var column) ? column : throw new InvalidOperationException($"No column for the record field {key}.");
        }
        return $"JText({Json(path)})";
    }

    /// <summary>Binds an expression to a new column (written once however often it is used).</summary>
    public (string Step, string Name) Bind(string expression)
    {
        string name = NewName("v");
        return ($"| extend {name} = {expression}", name);
    }

    /// <summary>One row per element of a dynamic list (an empty list gives no row, as SQL's UNNEST).</summary>
    public (string Step, string Name) Expand(string list, bool typed = false)
    {
        string name = NewName("i");
        return ($"| mv-expand {name} = {list}{(typed ? " to typeof(string)" : "")}", name);
    }

    public string TypeLiteral(GranteeType? type) => type == null ? "\"\"" : Kql.Literal(type.Value.ToString());

    /// <summary><see cref="AwsJson.BucketArn"/>: a bucket name as its ARN, an ARN as it is, empty as empty.</summary>
    public string BucketArn(string bucket) =>
        $"iff(isempty({bucket}), \"\", iff({bucket} startswith_cs \"arn:\", {bucket}, strcat(\"arn:aws:s3:::\", {bucket})))";

    /// <summary>The value is this one text, alone or as the only element of a list (ignoring case and surrounding spaces).</summary>
    public string IsOnly(string json, string value)
    {
        string v = Kql.Literal(value.ToLowerInvariant());
        return $"(tolower(trim(@\"\\s+\", JText({json}))) == {v} or (tolower(trim(@\"\\s+\", JText({json}[0]))) == {v} and isnull({json}[1])))";
    }
}

/// <summary>
/// Compiles the AWS detection definitions into KQL over Microsoft Sentinel's AWSCloudTrail table: one query per
/// detection, as <see cref="AwsSqlGenerator"/> writes one SQL query per detection, from the same building blocks
/// (each has its KQL compilation beside its SQL one), with the same grantee classification, narrowing of policy
/// statements, verdicts and severities. No KQL engine runs in the tests: golden files and the documented columns.
/// </summary>
internal sealed class AwsKqlGenerator
{
    public const string Table = "AWSCloudTrail";

    private readonly TrustZone _zone;

    public AwsKqlGenerator(TrustZone zone) => _zone = zone;

    /// <summary>The columns every grant branch ends with (the union's schema).</summary>
    private static readonly string[] GrantColumns =
    {
        "AwsEventId", "TimeGenerated", "EventName", "ErrorCode", "UserIdentityInvokedBy", "UserIdentityArn", "SourceIpAddress", "OwnerAccount",
        "Category", "ResourceType", "ResourceId", "Action", "Grantee", "GranteeTypeHint", "Permission", "Note", "Grp", "Rnk", "Entry", "Wildcard",
    };

    /// <summary>The helper functions of every AWS query: the JSON readings the SQL dialects give (TextAt, Items, members) and AwsGrantee.IsServicePrincipal.</summary>
    private const string Functions =
        "let JText = (v:dynamic) { iff(gettype(v) in (\"string\", \"int\", \"long\", \"real\", \"decimal\", \"bool\"), tostring(v), \"\") };\n" +
        "let JItems = (v:dynamic) { case(gettype(v) == \"array\", v, isnull(v) or gettype(v) == \"null\", dynamic([]), pack_array(v)) };\n" +
        "let JMembers = (v:dynamic) { iff(gettype(v) == \"dictionary\", v, dynamic({})) };\n" +
        "let IsServicePrincipal = (g:string) { tolower(trim(@\"\\s+\", g)) endswith_cs \".amazonaws.com\" or tolower(trim(@\"\\s+\", g)) endswith_cs \".amazonaws.com.cn\"\n" +
        "    or tolower(trim(@\"\\s+\", g)) endswith_cs \".amazon.com\" or tolower(trim(@\"\\s+\", g)) == \"aws internal\" or tolower(trim(@\"\\s+\", g)) startswith_cs \"arn:aws:iam::cloudfront:user/\" };\n";

    public string Generate(AwsDetectionDefinition def, DetectionQueryOptions? options = null)
    {
        var c = new AwsKqlContext();
        var sb = new StringBuilder();
        sb.Append("// TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's AWS definition of ")
          .Append(def.EventName).Append(".\n");
        sb.Append("// Table: AWSCloudTrail (Microsoft Sentinel). One row per finding; severity and verdict as Find-ExternalShare gives them.\n");
        sb.Append("let TrustedAccounts = ").Append(Kql.Array(_zone.AwsAccounts)).Append(";\n");
        sb.Append("let TrustedOrganizations = ").Append(Kql.Array(_zone.AwsOrganizations)).Append(";\n");
        sb.Append("let TrustedUnits = ").Append(Kql.Array(_zone.AwsOrganizationalUnits)).Append(";\n");
        sb.Append(Functions);
        sb.Append("let Base = ").Append(Table).Append('\n');
        sb.Append(Kql.TimeFilter(options));
        sb.Append("| where ").Append(NameMatch(def)).Append('\n');
        var sources = new[] { def.EventSource, def.OtherEventSource }.Where(s => s != null).Select(Kql.Literal);
        sb.Append("| where isempty(EventSource) or EventSource in (").Append(string.Join(", ", sources)).Append(")\n");
        sb.Append("| extend Rp = todynamic(RequestParameters), Re = todynamic(ResponseElements), Sd = todynamic(ServiceEventDetails)\n");
        if (def.NeedsRequestParameters) sb.Append("| where gettype(Rp) == \"dictionary\"\n");
        foreach (var w in def.When) sb.Append("| where ").Append(w.Kql(c)).Append('\n');
        sb.Length--;
        sb.Append(";\n");

        string resourceId = def.ResourceId?.Kql(c) ?? "\"\"";
        var branches = new List<string>();
        foreach (var rule in def.Grantees)
        {
            foreach (var g in rule.Kql(c))
            {
                if (g.Action == Kql.Literal(nameof(ShareAction.Remove))) continue; // revocations are never findings
                branches.Add(Branch(g, def, c, resourceId));
            }
        }
        if (branches.Count == 0)
        {
            // Revocations only (RevokeGrant, RemoveLayerVersionPermission...): never a finding.
            branches.Add(Branch(new AwsKqlGrant("\"\"", "\"\"", "\"\"").And("false"), def, c, resourceId));
        }
        sb.Append(branches.Count == 1
            ? "let Grants = " + branches[0].TrimStart() + ";\n"
            : "let Grants = union\n" + string.Join(",\n", branches.Select(b => "    (" + b + ")")) + ";\n");
        sb.Append(Judgement());
        return sb.ToString();
    }

    /// <summary>The event name, and for Lambda's versioned names (AddLayerVersionPermission20181031) the dated forms.</summary>
    public static string NameMatch(AwsDetectionDefinition def) =>
        $"EventName in ({Kql.Literal(def.EventName)})" +
        (def.VersionSuffix ? $" or EventName matches regex {Kql.Literal("^" + def.EventName + "[0-9]{8}(v[0-9]{1,3})?$")}" : "");

    private string Branch(AwsKqlGrant g, AwsDetectionDefinition def, AwsKqlContext c, string resourceId)
    {
        var lines = new List<string> { "Base" };
        lines.AddRange(g.Steps);
        lines.AddRange(g.Where.Select(w => "| where " + w));
        lines.Add($"| extend OwnerAccount = coalesce({(g.Owner != null ? g.Owner + ", " : "")}RecipientAccountId, UserIdentityAccountId),");
        lines.Add($"    Category = {Kql.Literal(def.Category.ToString())}, ResourceType = {g.ResourceType ?? def.ResourceTypeValue?.Kql(c) ?? Kql.Literal(def.ResourceType)}, ResourceId = {g.ResourceId ?? resourceId},");
        lines.Add($"    Action = {g.Action}, Grantee = {g.Grantee}, GranteeTypeHint = {g.GranteeType}, Permission = {g.Permission}, Note = {g.Note},");
        lines.Add($"    Grp = {g.Group}, Rnk = {g.Rank}, Entry = {g.Entry}, Wildcard = {g.Wildcard}");
        lines.Add("| project " + string.Join(", ", GrantColumns));
        return string.Join("\n    ", lines);
    }

    private const string Org = "o-[a-z0-9]{10,32}";
    private const string Ou = "ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}";

    private static string Re(string pattern) => Kql.Literal(pattern);

    /// <summary>AwsGrantee.Parse, the narrowing of policy statements, the zone (AwsJudge.Classify), the severity: as <see cref="AwsSqlGenerator"/>'s judgement.</summary>
    private string Judgement()
    {
        var sb = new StringBuilder();
        sb.Append("let Parsed = materialize(Grants\n");
        sb.Append("| where isnotempty(Grantee) and Action in (\"Add\", \"Use\") and not(tolower(UserIdentityInvokedBy) contains_cs \"marketplace\")\n");
        sb.Append("| extend T = trim(@\"\\s+\", Grantee)\n");
        sb.Append("| extend OrgPath = trim_end(@\"[/*]+\", T)\n");
        sb.Append("| extend Kind = case(GranteeTypeHint == \"Public\", \"Public\", GranteeTypeHint == \"User\", \"User\",\n");
        sb.Append($"    T == \"*\" or tolower(T) == \"all\" or trim_end(@\"/+\", T) matches regex {Re("(?i)^(.*acs\\.amazonaws\\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$")}, \"Public\",\n");
        sb.Append($"    T matches regex {Re("^[0-9]{12}$")}, \"Account\",\n");
        sb.Append($"    T matches regex {Re("^" + Org + "$")}, \"Organization\",\n");
        sb.Append($"    T matches regex {Re("^" + Ou + "$")}, \"OrganizationalUnit\",\n");
        sb.Append($"    T startswith_cs \"o-\", case(not(OrgPath matches regex {Re("^" + Org + "(/|$)")}), \"Unknown\", OrgPath matches regex {Re("^.*/" + Ou + "(/.*)?$")}, \"OrganizationalUnit\", \"Organization\"),\n");
        sb.Append($"    T matches regex {Re("^arn:[^:]*:organizations:[^:]*:[^:]*:organization/" + Org + "$")}, \"Organization\",\n");
        sb.Append($"    T matches regex {Re("^arn:[^:]*:organizations:[^:]*:[^:]*:ou/" + Org + "/" + Ou + "$")}, \"OrganizationalUnit\",\n");
        sb.Append($"    T matches regex {Re("^arn:[^:]*:(iam|sts):[^:]*:[0-9]{12}:")}, \"Account\",\n");
        sb.Append("    \"Unknown\")\n");
        sb.Append($"| extend GranteeAccount = coalesce(extract({Re("^([0-9]{12})$")}, 1, T), extract({Re("^arn:[^:]*:(iam|sts):[^:]*:([0-9]{12}):")}, 2, T)),\n");
        sb.Append($"    GranteeOrganization = coalesce(extract({Re("^(" + Org + ")$")}, 1, T), extract({Re("^(" + Org + ")(/|$)")}, 1, OrgPath), " +
                  $"extract({Re("^arn:[^:]*:organizations:[^:]*:[^:]*:(?:organization|ou)/(" + Org + ")")}, 1, T)),\n");
        sb.Append($"    GranteeUnit = coalesce(extract({Re("^(" + Ou + ")$")}, 1, T), extract({Re("^.*/(" + Ou + ")(/.*)?$")}, 1, OrgPath), " +
                  $"extract({Re("^arn:[^:]*:organizations:[^:]*:[^:]*:ou/" + Org + "/(" + Ou + ")$")}, 1, T)));\n");
        // A policy statement's grant to everyone narrowed by conditions (AwsPolicy.Narrowing): per statement, the candidates
        // of the best rank; an entry with a wildcard value narrows nothing; an organization path that names none is no candidate.
        sb.Append("let Candidates = Parsed\n| where isnotnull(Rnk)\n");
        sb.Append("| lookup kind=inner (Parsed | where isnotnull(Rnk) | summarize EntryWildcard = max(Wildcard) by Grp, Entry) on Grp, Entry\n");
        sb.Append("| where Rnk == 3 or (EntryWildcard == 0 and not(Rnk == 2 and Kind == \"Unknown\"));\n");
        sb.Append("let Narrowed = Candidates\n");
        sb.Append("| lookup kind=inner (Candidates | summarize BestRank = min(Rnk) by Grp) on Grp\n");
        sb.Append("| where Rnk == BestRank\n");
        sb.Append("| summarize arg_min(Rnk, *) by Grp, Grantee;\n");
        sb.Append("union (Parsed | where isnull(Rnk)), Narrowed\n");
        sb.Append("| extend Verdict = case(Category == \"Guardrail\", \"Public\", Kind == \"Public\", \"Public\", Kind == \"User\", \"External\",\n");
        sb.Append("    Kind == \"Account\", iff(GranteeAccount == OwnerAccount or GranteeAccount in (TrustedAccounts), \"Trusted\", \"External\"),\n");
        sb.Append("    Kind == \"Organization\", iff(GranteeOrganization in (TrustedOrganizations), \"Trusted\", \"External\"),\n");
        sb.Append("    Kind == \"OrganizationalUnit\", iff(GranteeUnit in (TrustedUnits) or GranteeOrganization in (TrustedOrganizations), \"Trusted\", \"External\"),\n");
        sb.Append("    \"Unknown\")\n");
        // AwsJudge's special cases: a guardrail is Medium (Low when refused), a Backup copy into a vault Low, a RAM share kept inside the organization Medium.
        sb.Append("| extend Succeeded = isempty(ErrorCode)\n");
        sb.Append("| extend FixedSeverity = case(Category == \"Guardrail\", iff(Succeeded, \"Medium\", \"Low\"), not(Succeeded), \"\",\n");
        sb.Append("    Verdict == \"External\" and Category == \"Backup\" and tolower(trim(@\"\\s+\", Permission)) == \"backup:copyintobackupvault\", \"Low\",\n");
        sb.Append("    Verdict == \"External\" and Note == \"RamInsideOrganization\", \"Medium\", \"\")\n");
        sb.Append(Kql.Severity);
        sb.Append("| extend EventId = AwsEventId, EventTime = TimeGenerated, Operation = EventName, AccountId = OwnerAccount, Actor = UserIdentityArn, SourceIp = SourceIpAddress,\n");
        sb.Append("    GranteeType = coalesce(GranteeTypeHint, Kind)\n");
        sb.Append(Kql.Output);
        return sb.ToString();
    }
}
