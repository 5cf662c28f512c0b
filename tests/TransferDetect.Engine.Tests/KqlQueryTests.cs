using System.Text.Json;
using System.Text.RegularExpressions;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.M365;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The generated KQL (no KQL engine runs here): golden files pin the text, every column it reads is a documented
/// column of its table, every catalogue operation and the trust zone are in it, literals are escaped.
/// </summary>
public class KqlQueryTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Subscription = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string AwsAccount = "444455556666";
    private const string AwsOrganization = "o-a1b2c3d4e5";
    private const string AwsUnit = "ou-ab12-cdef3456";

    private static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddAzureTenant(Tenant);
        zone.AddAzureSubscription(Subscription);
        zone.AddM365Domain("contoso.com");
        zone.AddM365Domain("fabrikam.co.uk");
        zone.AddAwsAccount(AwsAccount);
        zone.AddAwsOrganization(AwsOrganization);
        zone.AddAwsOrganizationalUnit(AwsUnit);
        return zone;
    }

    /// <summary>The query of a provider; for AWS (one query per detection) every detection's query, one after the other.</summary>
    private static string Query(Provider provider, TrustZone? zone = null, DetectionQueryOptions? options = null) =>
        provider == Provider.Aws
            ? string.Join("\n", DetectionQueryGenerator.Kql(zone ?? Zone(), provider, options).Select(q => q.Text))
            : Assert.Single(DetectionQueryGenerator.Kql(zone ?? Zone(), provider, options)).Text;

    private static IReadOnlyList<AwsDetectionDefinition> AwsDefinitions() => AwsSqlGenerator.Definitions(AwsShareCatalog.All.Operations);

    [Fact]
    public void Without_a_provider_one_query_is_generated_per_kql_provider()
    {
        var queries = DetectionQueryGenerator.Kql(Zone());
        Assert.Equal(new[] { Provider.Azure, Provider.M365 }, queries.Select(q => q.Provider));
        Assert.All(queries, q => Assert.Equal(QueryEngine.Kql, q.Engine));
        Assert.StartsWith("// TransferDetect", queries[0].Text);
        Assert.Contains("\nlet Activity = AzureActivity\n", queries[0].Text);
        Assert.Contains("\nOfficeActivity\n", queries[1].Text);
    }

    [Fact]
    public void Every_azure_catalogue_operation_is_in_the_azure_query_with_its_kind()
    {
        var q = Assert.Single(DetectionQueryGenerator.Kql(Zone(), Provider.Azure));
        Assert.Equal(AzureOperations.All.Select(o => o.Name), q.Detections);
        foreach (var op in AzureOperations.All)
        {
            Assert.Contains($"\"{op.Name}\", \"{op.Kind}\", \"{op.Category}\", \"{op.ResourceType}\"", q.Text);
        }
        // Every kind that can grant has its branch; the revocations only fold (no branch, no finding).
        foreach (var kind in AzureOperations.All.Select(o => o.Kind).Distinct().Except(AzureKqlGenerator.RevocationKinds))
        {
            Assert.Contains($"(Activity | where Kind == \"{kind}\"", q.Text);
        }
        foreach (var kind in AzureKqlGenerator.RevocationKinds) Assert.DoesNotContain($"where Kind == \"{kind}\"", q.Text);
    }

    [Fact]
    public void Every_m365_catalogue_operation_is_in_the_m365_query()
    {
        var q = Assert.Single(DetectionQueryGenerator.Kql(Zone(), Provider.M365));
        Assert.Equal(M365Operations.All.Select(o => o.Name), q.Detections);
        foreach (var op in M365Operations.All) Assert.Contains($"\"{op.Name}\", \"{op.Kind}\", \"{op.Category}\"", q.Text);
    }

    [Fact]
    public void The_trust_zone_is_written_into_the_queries()
    {
        string azure = Query(Provider.Azure);
        Assert.Contains($"let TrustedTenants = dynamic([\"{Tenant}\"]);", azure);
        Assert.Contains($"let TrustedSubscriptions = dynamic([\"{Subscription}\"]);", azure);
        Assert.Contains("let TrustedDomains = dynamic([\"contoso.com\", \"fabrikam.co.uk\"]);", azure);
        string m365 = Query(Provider.M365);
        Assert.Contains("let TrustedDomains = dynamic([\"contoso.com\", \"fabrikam.co.uk\"]);", m365);
        // A subdomain of a trusted domain is trusted, as TrustZone.TrustsM365Domain does.
        Assert.Contains("d endswith \".contoso.com\" or d endswith \".fabrikam.co.uk\"", m365);
        string empty = Query(Provider.M365, TrustZone.Empty);
        Assert.Contains("let TrustedDomains = dynamic([]);", empty);
        Assert.Contains("d in~ (TrustedDomains)) };", empty);
    }

    [Theory]
    [InlineData("O'Brien \"the\" \\ path", "\"O'Brien \\\"the\\\" \\\\ path\"")]
    [InlineData("plain", "\"plain\"")]
    [InlineData("line\nbreak\ttab", "\"line\\nbreak\\ttab\"")]
    [InlineData("", "\"\"")]
    public void Kql_string_literals_escape_quotes_backslashes_and_control_characters(string value, string literal)
    {
        Assert.Equal(literal, Kql.Literal(value));
        // The literal reads back as the value: the tokenizer below skips it whole.
        Assert.DoesNotContain(KqlTokens.Identifiers("x == " + literal), t => t != "x");
    }

    [Fact]
    public void A_trusted_value_with_a_quote_and_a_backslash_stays_one_literal_of_the_list()
    {
        // TrustZone validates ids (GUIDs, domains), so such a value cannot come from a zone; the list writer is the
        // one place that would let it break out, and it escapes it.
        string list = Kql.Array(new[] { "a\"b\\c", "d" });
        Assert.Equal("dynamic([\"a\\\"b\\\\c\", \"d\"])", list);
        Assert.DoesNotContain(KqlTokens.Identifiers(list), t => t != "dynamic");
    }

    [Fact]
    public void The_time_window_bounds_time_generated()
    {
        var options = new DetectionQueryOptions { StartTime = new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc), EndTime = new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc) };
        foreach (var provider in new[] { Provider.Azure, Provider.M365, Provider.Aws })
        {
            Assert.Contains("| where TimeGenerated >= datetime(2024-08-01T00:00:00Z) and TimeGenerated < datetime(2024-09-01T00:00:00Z)\n", Query(provider, options: options));
            Assert.DoesNotContain("datetime(", Query(provider));
        }
    }

    [Fact]
    public void Aws_kql_is_one_query_per_detection_and_covers_every_catalogue_operation()
    {
        var definitions = AwsDefinitions();
        Assert.Equal(39, definitions.Count);
        var queries = DetectionQueryGenerator.Kql(Zone(), Provider.Aws);
        Assert.Equal(definitions.Select(d => d.EventName), queries.Select(q => Assert.Single(q.Detections)));
        Assert.All(queries, q => Assert.Equal((QueryEngine.Kql, Provider.Aws), (q.Engine, q.Provider)));
        foreach (var op in AwsShareCatalog.All.Operations)
        {
            var q = Assert.Single(queries, q => q.Detections[0] == op.EventName);
            Assert.Contains($"| where EventName in (\"{op.EventName}\")", q.Text);
            Assert.Contains("\nlet Base = AWSCloudTrail\n", q.Text);
        }
        // AWS is named to be generated (39 queries); without a provider, KQL stays one query for Azure and one for Microsoft 365.
        Assert.DoesNotContain(Provider.Aws, DetectionQueryGenerator.Kql(Zone()).Select(q => q.Provider));
        Assert.Throws<ArgumentException>(() => DetectionQueryGenerator.Aws(QueryEngine.Kql, Zone()));
    }

    [Fact]
    public void Aws_kql_for_some_operations_is_only_theirs_and_event_names_need_the_aws_provider()
    {
        var queries = DetectionQueryGenerator.Kql(Zone(), Provider.Aws, null, new[] { "putbucketacl", "ModifySnapshotAttribute" });
        Assert.Equal(new[] { "ModifySnapshotAttribute", "PutBucketAcl" }, queries.Select(q => q.Detections[0]).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Throws<ArgumentException>(() => DetectionQueryGenerator.Kql(Zone(), Provider.Aws, null, new[] { "NoSuchCall" }));
        Assert.Throws<ArgumentException>(() => DetectionQueryGenerator.Kql(Zone(), Provider.Azure, null, new[] { "PutBucketAcl" }));
    }

    /// <summary>The structure the definitions dictate: each query's event and source filters are its definition's, its conditions are in it.</summary>
    [Fact]
    public void Each_aws_query_filters_on_its_definitions_event_name_and_sources()
    {
        var byName = DetectionQueryGenerator.Kql(Zone(), Provider.Aws).ToDictionary(q => q.Detections[0]);
        var c = new AwsKqlContext();
        foreach (var def in AwsDefinitions())
        {
            string text = byName[def.EventName].Text;
            var lists = Regex.Matches(text, @"where EventName in \(([^)]*)\)").Cast<Match>().Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(new[] { $"\"{def.EventName}\"" }, lists);
            var sources = new[] { def.EventSource, def.OtherEventSource }.Where(x => x != null).Select(x => $"\"{x}\"");
            Assert.Contains($"| where isempty(EventSource) or EventSource in ({string.Join(", ", sources)})\n", text);
            Assert.Equal(def.VersionSuffix, text.Contains($"EventName matches regex \"^{def.EventName}[0-9]{{8}}(v[0-9]{{1,3}})?$\""));
            Assert.Equal(def.NeedsRequestParameters, Regex.IsMatch(text, "\n\\| where gettype\\(Rp\\) == \"dictionary\"[;\n]"));
            foreach (var w in def.When) Assert.Contains("\n| where " + w.Kql(c), text);
            // Every grant branch ends with the same columns, so the union has one schema.
            int branches = Regex.Matches(text, @"\| project AwsEventId, TimeGenerated, EventName, ErrorCode, UserIdentityInvokedBy, UserIdentityArn, SourceIpAddress, OwnerAccount,").Count;
            int grants = def.Grantees.SelectMany(r => r.Kql(new AwsKqlContext())).Count(g => g.Action != "\"Remove\"");
            Assert.Equal(Math.Max(1, grants), branches);
        }
    }

    /// <summary>No KQL engine here: at least every query's literals are closed and its brackets balanced.</summary>
    [Fact]
    public void Every_aws_query_has_closed_literals_and_balanced_brackets()
    {
        foreach (var q in DetectionQueryGenerator.Kql(Zone(), Provider.Aws))
        {
            string code = KqlTokens.StripLiterals(q.Text);
            Assert.DoesNotContain('"', code);
            foreach (var (open, close) in new[] { ('(', ')'), ('[', ']'), ('{', '}') })
            {
                int depth = 0;
                foreach (char ch in code)
                {
                    if (ch == open) depth++;
                    if (ch == close) depth--;
                    Assert.True(depth >= 0, $"{q.Detections[0]}: '{close}' without '{open}'");
                }
                Assert.True(depth == 0, $"{q.Detections[0]}: unbalanced '{open}'");
            }
            // One statement per let, and the query ends with the common output.
            Assert.EndsWith(Kql.Output, q.Text);
        }
    }

    [Fact]
    public void The_aws_trust_zone_is_written_into_every_aws_query()
    {
        foreach (var q in DetectionQueryGenerator.Kql(Zone(), Provider.Aws))
        {
            Assert.Contains($"let TrustedAccounts = dynamic([\"{AwsAccount}\"]);", q.Text);
            Assert.Contains($"let TrustedOrganizations = dynamic([\"{AwsOrganization}\"]);", q.Text);
            Assert.Contains($"let TrustedUnits = dynamic([\"{AwsUnit}\"]);", q.Text);
            Assert.Contains("GranteeAccount in (TrustedAccounts)", q.Text);
        }
        string empty = Query(Provider.Aws, TrustZone.Empty);
        Assert.Contains("let TrustedAccounts = dynamic([]);", empty);
        // The zone admits only well-formed ids, so nothing from it can break out of a literal; the list writer escapes anyway.
        Assert.Throws<TrustZoneException>(() => TrustZone.Empty.AddAwsAccount("1111\"); AWSCloudTrail | take 1 //"));
        Assert.Throws<TrustZoneException>(() => TrustZone.Empty.AddAwsOrganization("o-abc\\\""));
        Assert.Equal("dynamic([\"1\\\"2\"])", Kql.Array(new[] { "1\"2" }));
    }

    /// <summary>The verdicts and severities of AwsJudge: the same branches as the SQL's judgement.</summary>
    [Fact]
    public void The_aws_query_judges_as_the_engine_does()
    {
        string text = Query(Provider.Aws);
        Assert.Contains("Kind == \"Account\", iff(GranteeAccount == OwnerAccount or GranteeAccount in (TrustedAccounts), \"Trusted\", \"External\")", text);
        Assert.Contains("Kind == \"OrganizationalUnit\", iff(GranteeUnit in (TrustedUnits) or GranteeOrganization in (TrustedOrganizations), \"Trusted\", \"External\")", text);
        Assert.Contains("Category == \"Guardrail\", iff(Succeeded, \"Medium\", \"Low\")", text);
        Assert.Contains("Note == \"RamInsideOrganization\", \"Medium\"", text);
        Assert.Contains("\"backup:copyintobackupvault\", \"Low\"", text);
        Assert.Contains(Kql.Severity, text);
        // Revocations are no findings: RetireGrant's query has no grant branch.
        string retire = DetectionQueryGenerator.Kql(Zone(), Provider.Aws, null, new[] { "RetireGrant" })[0].Text;
        Assert.Contains("| where false\n", retire);
        Assert.DoesNotContain("\"Remove\"", retire);
    }

    [Fact]
    public void Kql_is_not_generated_for_gcp_and_says_so()
    {
        var e = Assert.Throws<NotSupportedException>(() => DetectionQueryGenerator.Kql(Zone(), Provider.Gcp));
        Assert.Contains("AWSCloudTrail", e.Message);
    }

    public static TheoryData<Provider, string> Tables => new() { { Provider.Azure, "AzureActivity" }, { Provider.M365, "OfficeActivity" }, { Provider.Aws, "AWSCloudTrail" } };

    /// <summary>Every identifier the query reads that it does not define itself is a documented column of its table.</summary>
    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_column_the_query_reads_is_a_documented_column_of_its_table(Provider provider, string table)
    {
        var documented = DocumentedColumns(table);
        string text = Query(provider);
        var used = KqlTokens.Columns(text, table);
        Assert.NotEmpty(used);
        Assert.Contains("TimeGenerated", used);
        Assert.Contains(provider switch { Provider.Azure => "OperationNameValue", Provider.M365 => "TargetUserOrGroupName", _ => "RequestParameters" }, used);
        var undocumented = used.Where(c => !documented.Contains(c)).OrderBy(c => c, StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, $"{table}: not documented columns: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void The_column_check_catches_a_column_the_table_does_not_have()
    {
        var documented = DocumentedColumns("AzureActivity");
        var used = KqlTokens.Columns("let Trusted = dynamic([\"x\"]);\nAzureActivity\n| where OperationNameValu =~ \"a\" and Caller in~ (Trusted)\n| extend Body = parse_json(Properties)\n| project Body.requestbody, Callers = Caller", "AzureActivity");
        Assert.Equal(new[] { "Caller", "OperationNameValu", "Properties" }, used.OrderBy(c => c, StringComparer.Ordinal));
        Assert.Equal(new[] { "OperationNameValu" }, used.Where(c => !documented.Contains(c)));
    }

    [Fact]
    public void The_column_check_catches_a_misspelt_aws_cloud_trail_column()
    {
        var documented = DocumentedColumns("AWSCloudTrail");
        var used = KqlTokens.Columns("AWSCloudTrail\n| extend Rp = todynamic(RequestParameters)\n| where UserIdentityAccountID == RecipientAccountId and JText(Rp[\"x\"]) != \"\"", "AWSCloudTrail");
        Assert.Equal(new[] { "RecipientAccountId", "RequestParameters", "UserIdentityAccountID" }, used.OrderBy(c => c, StringComparer.Ordinal));
        Assert.Equal(new[] { "UserIdentityAccountID" }, used.Where(c => !documented.Contains(c)));
    }

    private static HashSet<string> DocumentedColumns(string table)
    {
        string path = Path.Combine(RepoPaths.Root, "tests", "TransferDetect.Engine.Tests", "Golden", "kql-table-columns.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var entry = doc.RootElement.GetProperty(table);
        Assert.StartsWith("https://learn.microsoft.com/", entry.GetProperty("source").GetString());
        return entry.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Golden files of the exact text. Set TRANSFERDETECT_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and read the diff.</summary>
    [Theory]
    [InlineData(Provider.Azure)]
    [InlineData(Provider.M365)]
    [InlineData(Provider.Aws)]
    public void Generated_kql_matches_its_golden_file(Provider provider)
    {
        string text = Query(provider);
        string path = Path.Combine(RepoPaths.Root, "tests", "TransferDetect.Engine.Tests", "Golden", $"Kql.{provider}.kql");
        if (Environment.GetEnvironmentVariable("TRANSFERDETECT_UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);
        Assert.True(File.Exists(path), $"{path} is missing: run with TRANSFERDETECT_UPDATE_GOLDEN=1 once and review it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), text);
    }
}

/// <summary>
/// A small KQL tokenizer for the column check: drops comments and string literals ("..." with escapes, '...',
/// @"..." and @'...' verbatim), then reads identifiers. Not a column: a keyword or operator word, a function
/// (followed by "("), a member access (after "."), and every name the query defines (let x =, extend x =,
/// x = in summarize / project / mv-expand, datatable and function parameters x:type).
/// </summary>
internal static class KqlTokens
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "let", "datatable", "string", "long", "int", "bool", "real", "datetime", "dynamic", "and", "or", "in", "by", "on", "kind", "inner",
        "union", "where", "extend", "project", "summarize", "lookup", "order", "asc", "desc", "mv", "expand", "to", "matches", "regex",
        "contains", "startswith", "endswith", "has", "true", "false", "typeof", "between", "take", "limit", "join",
        "contains_cs", "startswith_cs", "endswith_cs", "null", "apply",
    };

    /// <summary>The text with string literals and comments replaced by spaces.</summary>
    public static string StripLiterals(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                sb.Append('\n');
                continue;
            }
            bool verbatim = ch == '@' && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '\'');
            if (verbatim || ch == '"' || ch == '\'')
            {
                if (verbatim) i++;
                char quote = text[i];
                i++;
                while (i < text.Length)
                {
                    if (!verbatim && text[i] == '\\') { i += 2; continue; }
                    if (text[i] == quote)
                    {
                        if (verbatim && i + 1 < text.Length && text[i + 1] == quote) { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                sb.Append(' ');
                continue;
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private static readonly Regex Identifier = new(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant);

    /// <summary>Every identifier outside literals and comments, in order.</summary>
    public static IEnumerable<string> Identifiers(string text) =>
        Identifier.Matches(StripLiterals(text)).Cast<Match>().Select(m => m.Value);

    /// <summary>The identifiers read as columns of the table (the table's own name excluded).</summary>
    public static HashSet<string> Columns(string text, string table)
    {
        string code = StripLiterals(text).Replace("mv-expand", "mv_expand_");
        var matches = Identifier.Matches(code).Cast<Match>().ToList();
        var defined = new HashSet<string>(StringComparer.Ordinal) { table, "mv_expand_" };
        foreach (var m in matches)
        {
            int after = m.Index + m.Length;
            while (after < code.Length && code[after] == ' ') after++;
            bool assigns = after < code.Length && code[after] == '=' && !(after + 1 < code.Length && (code[after + 1] == '=' || code[after + 1] == '~'));
            bool typed = after < code.Length && code[after] == ':';
            if (assigns || typed) defined.Add(m.Value);
        }
        var columns = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in matches)
        {
            int before = m.Index - 1;
            if (before >= 0 && code[before] == '.') continue;
            int after = m.Index + m.Length;
            while (after < code.Length && code[after] == ' ') after++;
            if (after < code.Length && code[after] == '(') continue;
            if (Words.Contains(m.Value) || defined.Contains(m.Value)) continue;
            columns.Add(m.Value);
        }
        return columns;
    }
}
