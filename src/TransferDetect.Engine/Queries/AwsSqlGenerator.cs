using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Queries;

/// <summary>What a rule's SQL may refer to: the dialect, the base row <c>b</c>, fresh aliases.</summary>
internal sealed class AwsSqlContext
{
    private int _aliases;

    public AwsSqlContext(SqlDialect dialect) => Dialect = dialect;

    public SqlDialect Dialect { get; }

    public string NewAlias(string prefix) => prefix + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The base row's columns for the record's top-level fields a definition may name.</summary>
    private static readonly Dictionary<string, string> RecordColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["recipientAccountId"] = "b.recipientaccountid",
        ["awsRegion"] = "b.awsregion",
        ["userIdentity.accountId"] = "b.identityaccount",
        ["eventName"] = "b.eventname",
    };

    private static string DocumentColumn(AwsRoot root) => root switch
    {
        AwsRoot.RequestParameters => "b.requestparameters",
        AwsRoot.ResponseElements => "b.responseelements",
        _ => "b.serviceeventdetails",
    };

    /// <summary>
    /// The JSON value at the path: at each step the first spelling present, as the engine's lookup does
    /// (the engine also matches any other case; SQL only the listed spellings).
    /// </summary>
    public string Json(AwsPath path)
    {
        if (path.Root == AwsRoot.Record) throw new InvalidOperationException("Record fields are columns: use Text.");
        string column = DocumentColumn(path.Root);
        string json = Coalesce(path.Steps[0].Select(name => Dialect.DocumentMember(column, name)));
        foreach (var step in path.Steps.Skip(1))
        {
            string parent = json;
            json = Coalesce(step.Select(name => Dialect.JsonAt(parent, Dialect.Path("$", name))));
        }
        return json;
    }

    private static string Coalesce(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count == 1 ? list[0] : "COALESCE(" + string.Join(", ", list) + ")";
    }

    /// <summary>Binds an expression to a name (a lateral one-row subquery), so that it is written once however often it is used.</summary>
    public (string From, string Name) Bind(string expression)
    {
        string alias = NewAlias("a");
        return ($"CROSS JOIN LATERAL (SELECT {expression} AS v) AS {alias}", alias + ".v");
    }

    /// <summary>The text at the path (<see cref="Sources.JsonElementExtensions.Str(System.Text.Json.JsonElement)"/>).</summary>
    public string Text(AwsPath path)
    {
        if (path.Root == AwsRoot.Record)
        {
            string key = string.Join(".", path.Steps.Select(s => s[0]));
            return RecordColumns.TryGetValue(key, out var column) ? column : throw new InvalidOperationException($"No column for the record field {key}.");
        }
        return Dialect.ScalarText(Json(path));
    }

    public string TypeLiteral(GranteeType? type) => type == null ? "CAST(NULL AS VARCHAR)" : Dialect.Literal(type.Value.ToString());

    public string NoteFor(AwsGrantNote note) => note == AwsGrantNote.None ? "CAST(NULL AS VARCHAR)" : Dialect.Literal(note.ToString());

    /// <summary><see cref="AwsGrantee.IsServicePrincipal"/>.</summary>
    public string IsServicePrincipal(string g) =>
        $"COALESCE(lower(trim({g})) LIKE '%.amazonaws.com' OR lower(trim({g})) LIKE '%.amazonaws.com.cn' OR lower(trim({g})) LIKE '%.amazon.com' " +
        $"OR lower(trim({g})) = 'aws internal' OR lower(trim({g})) LIKE 'arn:aws:iam::cloudfront:user/%', FALSE)";

    /// <summary>The text of a JSON value that may be a string or a list of strings, joined by ", " (the engine's Strings()).</summary>
    public string IsOnly(string json, string value)
    {
        var d = Dialect;
        string v = d.Literal(value.ToLowerInvariant());
        return $"COALESCE(lower(trim({d.ScalarText(json)})) = {v} OR (lower(trim({d.TextAt(json, "$[0]")})) = {v} AND {d.JsonAt(json, "$[1]")} IS NULL), FALSE)";
    }
}

/// <summary>Options of a generated query: the table (or event data store) and a time window.</summary>
public sealed class DetectionQueryOptions
{
    /// <summary>Athena: the CloudTrail table (default cloudtrail_logs); CloudTrail Lake: the event data store id; KQL: ignored.</summary>
    public string? Table { get; set; }
    public DateTime? StartTime { get; set; }
    public DateTime? EndTime { get; set; }
}

/// <summary>
/// Compiles the AWS detection definitions into one SQL query whose rows are the findings the engine gives on
/// the same records: one row per finding, with its severity, verdict and grantee.
/// </summary>
internal sealed class AwsSqlGenerator
{
    public const string DefaultTable = "cloudtrail_logs";

    private readonly SqlDialect _d;
    private readonly TrustZone _zone;

    public AwsSqlGenerator(SqlDialect dialect, TrustZone zone)
    {
        _d = dialect;
        _zone = zone;
    }

    public static IReadOnlyList<AwsDetectionDefinition> Definitions(IEnumerable<AwsShareOperation> operations) =>
        operations.Where(o => o.Definition != null).Select(o => o.Definition!).ToList();

    public string Generate(IReadOnlyList<AwsDetectionDefinition> definitions, DetectionQueryOptions? options = null)
    {
        options ??= new DetectionQueryOptions();
        var c = new AwsSqlContext(_d);
        string table = options.Table ?? DefaultTable;
        var sb = new StringBuilder();
        sb.Append("-- TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's AWS definitions.\n");
        sb.Append("-- One row per finding; severity and verdict as Find-ExternalShare gives them. Dialect: ").Append(_d.Name).Append(".\n");
        sb.Append($"WITH base {_d.CteAs} (\n  SELECT row_number() OVER () AS rowkey,\n    ");
        string Col(string n) => "e." + _d.Column(n);
        sb.Append(string.Join(",\n    ", new[]
        {
            $"{Col("eventID")} AS eventid", $"{Col("eventTime")} AS eventtime", $"{Col("eventName")} AS eventname", $"{Col("eventSource")} AS eventsource",
            $"{Col("awsRegion")} AS awsregion", $"{Col("errorCode")} AS errorcode", $"{Col("recipientAccountId")} AS recipientaccountid",
            $"{Col("userIdentity.accountId")} AS identityaccount", $"{Col("userIdentity.invokedBy")} AS invokedby", $"{Col("userIdentity.arn")} AS actor",
            $"{Col("requestParameters")} AS requestparameters", $"{Col("responseElements")} AS responseelements",
            $"{Col("serviceEventDetails")} AS serviceeventdetails", $"{Col("resources")} AS resources",
        }));
        sb.Append($"\n  FROM {table} e\n  WHERE (");
        var plain = definitions.Where(x => !x.VersionSuffix).Select(x => x.EventName).Distinct().ToList();
        var names = new List<string>();
        if (plain.Count > 0) names.Add($"{Col("eventName")} IN ({string.Join(", ", plain.Select(_d.Literal))})");
        names.AddRange(definitions.Where(x => x.VersionSuffix).Select(x => NameMatch(Col("eventName"), x)));
        sb.Append(names.Count == 0 ? "FALSE" : string.Join("\n    OR ", names)).Append(')');
        if (options.StartTime != null) sb.Append($"\n    AND {_d.Timestamp(Col("eventTime"))} >= {_d.TimestampLiteral(options.StartTime.Value)}");
        if (options.EndTime != null) sb.Append($"\n    AND {_d.Timestamp(Col("eventTime"))} < {_d.TimestampLiteral(options.EndTime.Value)}");
        sb.Append($"\n),\ngrants {_d.CteAs} (\n");
        var selects = new List<string>();
        foreach (var def in definitions)
        {
            string resourceId = def.ResourceId?.Sql(c) ?? "CAST(NULL AS VARCHAR)";
            var when = def.When.Select(w => w.Sql(c)).ToList();
            foreach (var rule in def.Grantees)
            {
                foreach (var g in rule.Sql(c))
                {
                    if (g.Action == _d.Literal(nameof(ShareAction.Remove))) continue; // revocations are never findings
                    var where = new List<string> { NameMatch("b.eventname", def), SourceMatch(def) };
                    if (def.NeedsRequestParameters) where.Add(_d.RequestParametersIsObject("b.requestparameters"));
                    where.AddRange(when);
                    if (g.Where != "TRUE") where.Add(g.Where);
                    selects.Add(
                        "  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,\n" +
                        $"    COALESCE({g.Owner ?? "CAST(NULL AS VARCHAR)"}, b.recipientaccountid, b.identityaccount) AS owneraccount,\n" +
                        $"    {_d.Literal(def.Category.ToString())} AS category, {g.ResourceType ?? def.ResourceTypeValue?.Sql(c) ?? _d.Literal(def.ResourceType)} AS resourcetype, {g.ResourceId ?? resourceId} AS resourceid,\n" +
                        $"    {g.Action} AS action, {g.Grantee} AS grantee, {g.GranteeType} AS granteetypehint, {g.Permission} AS permission, {g.Note} AS note,\n" +
                        $"    {g.Group} AS grp, {g.Rank} AS rnk, {g.Entry} AS entry, {g.Wildcard} AS wildcard\n" +
                        $"  FROM base b{(g.From.Length > 0 ? "\n  " + g.From : "")}\n" +
                        $"  WHERE {string.Join("\n    AND ", where)}");
                }
            }
        }
        if (selects.Count == 0)
        {
            // Revocations only (RevokeGrant, RemoveLayerVersionPermission...): never a finding.
            selects.Add("  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor, b.recipientaccountid AS owneraccount,\n" +
                "    CAST(NULL AS VARCHAR) AS category, CAST(NULL AS VARCHAR) AS resourcetype, CAST(NULL AS VARCHAR) AS resourceid, CAST(NULL AS VARCHAR) AS action,\n" +
                "    CAST(NULL AS VARCHAR) AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,\n" +
                "    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard\n  FROM base b\n  WHERE FALSE");
        }
        sb.Append(string.Join("\n  UNION ALL\n", selects));
        sb.Append("\n),\n");
        sb.Append(Judgement());
        return sb.ToString();
    }

    private string NameMatch(string column, AwsDetectionDefinition def) =>
        def.VersionSuffix
            ? $"({column} = {_d.Literal(def.EventName)} OR {_d.Matches(column, "^" + def.EventName + "[0-9]{8}(v[0-9]{1,3})?$")})"
            : $"{column} = {_d.Literal(def.EventName)}";

    private string SourceMatch(AwsDetectionDefinition def)
    {
        var sources = new[] { def.EventSource, def.OtherEventSource }.Where(s => s != null).Select(_d.Literal);
        return $"(b.eventsource IS NULL OR b.eventsource IN ({string.Join(", ", sources)}))";
    }

    private string InList(string expr, IEnumerable<string> values)
    {
        var list = values.OrderBy(v => v, StringComparer.Ordinal).Select(_d.Literal).ToList();
        return list.Count == 0 ? "FALSE" : $"{expr} IN ({string.Join(", ", list)})";
    }

    private const string Org = "o-[a-z0-9]{10,32}";
    private const string Ou = "ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}";

    /// <summary>AwsGrantee.Parse, the zone (AwsJudge.Classify), the severity (ExternalShareDetector.SeverityOf and AwsJudge's special cases).</summary>
    private string Judgement()
    {
        var d = _d;
        string t = "g.t";
        string path = $"regexp_replace({t}, '[/*]+$', '')";
        string kind =
            "CASE WHEN g.granteetypehint = 'Public' THEN 'Public' WHEN g.granteetypehint = 'User' THEN 'User'\n" +
            $"      WHEN {t} = '*' OR lower({t}) = 'all' OR {d.Matches($"regexp_replace({t}, '/+$', '')", "(?i)^(.*acs\\.amazonaws\\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$")} THEN 'Public'\n" +
            $"      WHEN {d.Matches(t, "^[0-9]{12}$")} THEN 'Account'\n" +
            $"      WHEN {d.Matches(t, "^" + Org + "$")} THEN 'Organization'\n" +
            $"      WHEN {d.Matches(t, "^" + Ou + "$")} THEN 'OrganizationalUnit'\n" +
            $"      WHEN {t} LIKE 'o-%' THEN CASE WHEN NOT {d.Matches(path, "^" + Org + "(/|$)")} THEN 'Unknown' WHEN {d.Matches(path, "^.*/" + Ou + "(/.*)?$")} THEN 'OrganizationalUnit' ELSE 'Organization' END\n" +
            $"      WHEN {d.Matches(t, "^arn:[^:]*:organizations:[^:]*:[^:]*:organization/" + Org + "$")} THEN 'Organization'\n" +
            $"      WHEN {d.Matches(t, "^arn:[^:]*:organizations:[^:]*:[^:]*:ou/" + Org + "/" + Ou + "$")} THEN 'OrganizationalUnit'\n" +
            $"      WHEN {d.Matches(t, "^arn:[^:]*:(iam|sts):[^:]*:[0-9]{12}:")} THEN 'Account'\n" +
            "      ELSE 'Unknown' END";
        string account = $"COALESCE({d.RegexExtract(t, "^([0-9]{12})$", 1)}, {d.RegexExtract(t, "^arn:[^:]*:(iam|sts):[^:]*:([0-9]{12}):", 2)})";
        string organization = $"COALESCE({d.RegexExtract(t, "^(" + Org + ")$", 1)}, {d.RegexExtract(path, "^(" + Org + ")(/|$)", 1)}, " +
            $"{d.RegexExtract(t, "^arn:[^:]*:organizations:[^:]*:[^:]*:(?:organization|ou)/(" + Org + ")", 1)})";
        string unit = $"COALESCE({d.RegexExtract(t, "^(" + Ou + ")$", 1)}, {d.RegexExtract(path, "^.*/(" + Ou + ")(/.*)?$", 1)}, " +
            $"{d.RegexExtract(t, "^arn:[^:]*:organizations:[^:]*:[^:]*:ou/" + Org + "/(" + Ou + ")$", 1)})";
        var sb = new StringBuilder();
        sb.Append("parsed AS (\n  SELECT g.*,\n    ").Append(kind).Append(" AS kind,\n    ")
          .Append(account).Append(" AS granteeaccount,\n    ").Append(organization).Append(" AS granteeorganization,\n    ")
          .Append(unit).Append(" AS granteeunit\n  FROM (SELECT grants.*, trim(grants.grantee) AS t FROM grants) g\n")
          .Append("  WHERE g.grantee IS NOT NULL AND g.grantee <> '' AND g.action IN ('Add', 'Use')\n")
          .Append("    AND (g.invokedby IS NULL OR strpos(lower(g.invokedby), 'marketplace') = 0)\n),\n");
        sb.Append("narrowed AS (\n  SELECT q.* FROM (\n");
        sb.Append("    SELECT r.*, min(r.rnk) OVER (PARTITION BY r.grp) AS bestrank, row_number() OVER (PARTITION BY r.grp, r.grantee ORDER BY r.rnk) AS duplicate\n");
        sb.Append("    FROM (SELECT p0.*, max(CASE WHEN p0.wildcard THEN 1 ELSE 0 END) OVER (PARTITION BY p0.grp, p0.entry) AS entrywildcard FROM parsed p0) r\n");
        sb.Append("    WHERE r.rnk IS NULL OR r.rnk = 3 OR (r.entrywildcard = 0 AND NOT (r.rnk = 2 AND r.kind = 'Unknown'))\n");
        sb.Append("  ) q\n  WHERE q.rnk IS NULL OR (q.rnk = q.bestrank AND q.duplicate = 1)\n),\n");
        sb.Append("judged AS (\n  SELECT p.*,\n    CASE WHEN p.category = 'Guardrail' THEN 'Public'\n");
        sb.Append("      WHEN p.kind = 'Public' THEN 'Public' WHEN p.kind = 'User' THEN 'External'\n");
        sb.Append($"      WHEN p.kind = 'Account' THEN CASE WHEN p.granteeaccount = p.owneraccount OR {InList("p.granteeaccount", _zone.AwsAccounts)} THEN 'Trusted' ELSE 'External' END\n");
        sb.Append($"      WHEN p.kind = 'Organization' THEN CASE WHEN {InList("p.granteeorganization", _zone.AwsOrganizations)} THEN 'Trusted' ELSE 'External' END\n");
        sb.Append($"      WHEN p.kind = 'OrganizationalUnit' THEN CASE WHEN {InList("p.granteeunit", _zone.AwsOrganizationalUnits)} OR {InList("p.granteeorganization", _zone.AwsOrganizations)} THEN 'Trusted' ELSE 'External' END\n");
        sb.Append("      ELSE 'Unknown' END AS verdict\n  FROM narrowed p\n)\n");
        sb.Append("SELECT j.eventid, j.eventtime, j.eventname, j.eventsource, j.awsregion, j.owneraccount AS accountid, j.actor,\n");
        sb.Append("  j.category, j.resourcetype, j.resourceid, j.action, j.grantee,\n");
        sb.Append("  COALESCE(j.granteetypehint, CASE WHEN j.kind = 'User' THEN 'User' ELSE j.kind END) AS granteetype, j.permission, j.errorcode, j.verdict,\n");
        sb.Append("  CASE WHEN j.category = 'Guardrail' THEN CASE WHEN j.errorcode IS NULL THEN 'Medium' ELSE 'Low' END\n");
        sb.Append("    WHEN j.errorcode IS NOT NULL THEN CASE WHEN j.verdict = 'Public' THEN 'Medium' ELSE 'Low' END\n");
        sb.Append("    WHEN j.verdict = 'External' AND j.category = 'Backup' AND lower(trim(j.permission)) = 'backup:copyintobackupvault' THEN 'Low'\n");
        sb.Append("    WHEN j.verdict = 'External' AND j.note = 'RamInsideOrganization' THEN 'Medium'\n");
        sb.Append("    WHEN j.verdict = 'Public' THEN 'Critical' WHEN j.verdict = 'External' THEN 'High' ELSE 'Medium' END AS severity\n");
        sb.Append("FROM judged j\nWHERE j.verdict <> 'Trusted'\nORDER BY j.eventtime, j.eventid, j.grantee\n");
        return sb.ToString();
    }
}
