using System.Management.Automation;
using System.Text.Json;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>
/// Every example of the generated help, taken from Get-Help and run in the hosted engine in a copy
/// of examples/ (./data/AWSLogs, ./zone.json), must run without errors and do what its remark says.
/// </summary>
public class HelpExampleTests
{
    private sealed record Example(string Cmdlet, int Number, string Title, string Code, string Remarks);

    /// <summary>What each example's remark promises (a phrase of it) and the check of that promise.</summary>
    private sealed record Expectation(string RemarkSays, Action<ScriptResult, string> Check);

    private static string S(PSObject o, string name) => Prop(o, name)?.ToString() ?? "";

    private static readonly Dictionary<string, Expectation> Expectations = new()
    {
        ["Get-SnapshotShareEvent #1"] = new("returns its 10 share events: 9 grants (Action Add) and 1 revocation", (r, _) =>
        {
            Assert.Equal(10, r.Output.Count);
            Assert.Equal(9, r.Output.Count(o => S(o, "Action") == "Add"));
            var revocation = Assert.Single(r.Output, o => S(o, "Action") == "Remove");
            Assert.Equal("snap-0a1b2c3d4e5f60718", S(revocation, "ResourceId"));
        }),
        ["Get-SnapshotShareEvent #2"] = new("Returns the 2 share events of the afternoon", (r, _) =>
        {
            Assert.Equal(
                new[] { "snap-0badc0ffee0000001 all Public", "ami-0f1e2d3c4b5a69788 arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v Organization" },
                r.Output.Select(o => $"{S(o, "ResourceId")} {S(o, "Grantee")} {S(o, "GranteeType")}"));
        }),
        ["Get-SnapshotShareEvent #3"] = new("5 share events, of ec2 snapshots and images only", (r, _) =>
        {
            Assert.Equal(5, r.Output.Count);
            Assert.All(r.Output, o => Assert.Contains(S(o, "Operation"), new[] { "ModifySnapshotAttribute", "ModifyImageAttribute" }));
            Assert.All(r.Output, o => Assert.Equal("us-east-1", S(o, "Region")));
        }),
        ["Get-SnapshotShareEvent #4"] = new("1 is a failed call: the grant of restore on the RDS snapshot customers-prod-2026-11-01 to 999988887777", (r, _) =>
        {
            var e = Assert.Single(r.Output);
            Assert.Equal("customers-prod-2026-11-01 999988887777 False AccessDenied",
                $"{S(e, "ResourceId")} {S(e, "Grantee")} {S(e, "Succeeded")} {S(e, "ErrorCode")}");
        }),
        ["Get-SnapshotShareEvent #5"] = new("holds 1 share event: the revocation (Action Remove) of the share of snap-0a1b2c3d4e5f60718 with 999988887777", (r, _) =>
        {
            var e = Assert.Single(r.Output);
            Assert.Equal("Remove snap-0a1b2c3d4e5f60718 999988887777", $"{S(e, "Action")} {S(e, "ResourceId")} {S(e, "Grantee")}");
        }),
        ["Get-SnapshotShareEvent #6"] = new("Opens only the eu-west-1 folder and returns its 3 RDS share events", (r, _) =>
        {
            Assert.Equal(
                new[] { "customers-prod-2026-11-01 999988887777 False", "orders-aurora-final all True", "customers-prod-2026-11-01 444455556666 True" },
                r.Output.Select(o => $"{S(o, "ResourceId")} {S(o, "Grantee")} {S(o, "Succeeded")}"));
            Assert.All(r.Output, o => Assert.Equal("eu-west-1", S(o, "Region")));
        }),
        ["ConvertTo-DetectionQuery #1"] = new("Returns 39 queries, one per AWS detection", (r, _) =>
        {
            Assert.Equal(39, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("Athena", S(o, "Engine")));
            Assert.All(r.Output, o => Assert.Contains("FROM cloudtrail_logs e", S(o, "Text")));
            Assert.All(r.Output, o => Assert.Contains("p.granteeaccount IN ('111122223333', '444455556666')", S(o, "Text")));
            Assert.All(r.Output, o => Assert.Contains("p.granteeorganization IN ('o-a1b2c3d4e5')", S(o, "Text")));
        }),
        ["ConvertTo-DetectionQuery #2"] = new("reads the event data store 0123abcd-4567-89ef-0123-456789abcdef", (r, _) =>
        {
            string text = Assert.Single(r.Output).BaseObject.ToString()!;
            Assert.Contains("FROM 0123abcd-4567-89ef-0123-456789abcdef e", text);
            Assert.Contains("e.eventName IN ('ModifySnapshotAttribute')", text);
            Assert.Contains("e.eventTime >= from_iso8601_timestamp('", text);
            Assert.Contains("p.granteeaccount IN ('444455556666')", text);
        }),
        ["ConvertTo-DetectionQuery #3"] = new("Returns 2 queries: the Azure one reads AzureActivity", (r, _) =>
        {
            Assert.Equal(2, r.Output.Count);
            Assert.Equal(new[] { "Azure", "M365" }, r.Output.Select(o => S(o, "Provider")));
            Assert.All(r.Output, o => Assert.Equal("Kql", S(o, "Engine")));
            string azure = S(r.Output[0], "Text"), m365 = S(r.Output[1], "Text");
            Assert.Contains("let Activity = AzureActivity\n", azure);
            Assert.Contains("let TrustedTenants = dynamic([\"72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70\"]);", azure);
            Assert.Contains("let TrustedSubscriptions = dynamic([\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"]);", azure);
            Assert.Contains("\nOfficeActivity\n", m365);
            Assert.Contains("let TrustedDomains = dynamic([\"contoso.com\"]);", m365);
            Assert.All(new[] { azure, m365 }, t => Assert.Contains("| where TimeGenerated >= datetime(2024-08-01T", t));
        }),
        ["ConvertTo-DetectionQuery #4"] = new("Returns 2 queries, PutBucketPolicy then ModifySnapshotAttribute (in the order named), each reading AWSCloudTrail", (r, _) =>
        {
            Assert.Equal(new[] { "PutBucketPolicy", "ModifySnapshotAttribute" }, r.Output.Select(o => string.Join(",", (IEnumerable<string>)Prop(o, "Detections")!)));
            Assert.All(r.Output, o => Assert.Equal("Kql Aws", $"{S(o, "Engine")} {S(o, "Provider")}"));
            Assert.All(r.Output, o => Assert.Contains("\nlet Base = AWSCloudTrail\n| where TimeGenerated >= datetime(2024-08-01T", S(o, "Text")));
            Assert.All(r.Output, o => Assert.Contains("let TrustedAccounts = dynamic([\"111122223333\", \"444455556666\"]);", S(o, "Text")));
            Assert.All(r.Output, o => Assert.Contains("let TrustedOrganizations = dynamic([\"o-a1b2c3d4e5\"]);", S(o, "Text")));
        }),
        ["Test-CloudTrailLogIntegrity #1"] = new("Returns 1 result: the us-east-1 log file delivered at 09:10 is Modified", (r, _) =>
        {
            var o = Assert.Single(r.Output);
            Assert.Equal("Modified LogFile us-east-1", $"{S(o, "Status")} {S(o, "Kind")} {S(o, "Region")}");
            Assert.EndsWith("_20261102T0910Z_681848BEBFF34682.json.gz", S(o, "Path"));
        }),
        ["Test-CloudTrailLogIntegrity #2"] = new("Returns the 6 digests of the two regions, each SignatureNotChecked", (r, _) =>
        {
            Assert.Equal(6, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("Digest SignatureNotChecked NotChecked", $"{S(o, "Kind")} {S(o, "Status")} {S(o, "SignatureStatus")}"));
            Assert.Equal(2, r.Output.Count(o => S(o, "ChainStatus") == "ChainStart"));
        }),
        ["Test-CloudTrailLogIntegrity #3"] = new("Returns 4 results, all Valid: the us-east-1 digests ending at 11:05:12", (r, _) =>
        {
            Assert.Equal(4, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("Valid us-east-1", $"{S(o, "Status")} {S(o, "Region")}"));
            Assert.Equal(2, r.Output.Count(o => S(o, "Kind") == "Digest"));
        }),
        ["Find-ExternalShare #1"] = new("6 are findings: 2 Critical (public shares), 3 High", (r, _) =>
        {
            Assert.Empty(r.Warnings);
            Assert.Equal(new[] { "Critical", "Critical", "High", "High", "High", "Low" }, r.Output.Select(o => S(o, "Severity")).OrderBy(x => x));
            Assert.All(r.Output.Where(o => S(o, "Severity") == "High"), o => Assert.Contains("999988887777", S(o, "Grantee")));
        }),
        ["Find-ExternalShare #2"] = new("7 findings: the 6 above and the share of ami-0f1e2d3c4b5a69788 with the OU ou-ab12-cdef3456, now High", (r, _) =>
        {
            Assert.Equal(7, r.Output.Count);
            var ou = Assert.Single(r.Output, o => S(o, "GranteeType") == "OrganizationalUnit");
            Assert.Equal("High ami-0f1e2d3c4b5a69788", $"{S(ou, "Severity")} {S(ou, "ResourceId")}");
            Assert.EndsWith("/ou-ab12-cdef3456", S(ou, "Grantee"));
        }),
        ["Find-ExternalShare #3"] = new("6 findings, none of them with GranteeType OrganizationalUnit", (r, _) =>
        {
            Assert.Equal(6, r.Output.Count);
            Assert.DoesNotContain(r.Output, o => S(o, "GranteeType") == "OrganizationalUnit");
        }),
        ["Find-ExternalShare #4"] = new("Returns the 2 Critical findings, both with Grantee all", (r, _) =>
        {
            Assert.Equal(new[] { "orders-aurora-final all", "snap-0badc0ffee0000001 all" },
                r.Output.Select(o => $"{S(o, "ResourceId")} {S(o, "Grantee")}").OrderBy(x => x, StringComparer.Ordinal));
        }),
        ["Get-StorageShareEvent #1"] = new("returns their 7 storage shares: 5 of S3 buckets", (r, _) =>
        {
            Assert.Equal(new[] { "Aws", "Aws", "Aws", "Aws", "Aws", "Azure", "Gcp" }, r.Output.Select(o => S(o, "Provider")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(r.Output, o => Assert.Equal("Storage", S(o, "Category")));
            Assert.Contains(r.Output, o => S(o, "Grantee") == "o-a1b2c3d4e5" && S(o, "GranteeType") == "Organization");
            Assert.Contains(r.Output, o => S(o, "ResourceId").EndsWith("/stfinance01", StringComparison.Ordinal));
            Assert.Contains(r.Output, o => S(o, "Grantee") == "allUsers" && S(o, "GranteeType") == "Public");
        }),
        ["Get-StorageShareEvent #2"] = new("Of the 5 S3 shares, 3 are findings", (r, _) =>
        {
            Assert.Equal(
                new[] { "Critical contoso-web-assets", "High contoso-finance-archive PutBucketPolicy", "High contoso-finance-archive PutBucketReplication" },
                r.Output.Select(o => S(o, "Severity") == "Critical" ? $"Critical {S(o, "ResourceId")}" : $"{S(o, "Severity")} {S(o, "ResourceId")} {S(o, "Operation")}").OrderBy(x => x, StringComparer.Ordinal));
        }),
        ["Get-FileShareEvent #1"] = new("returns its 4 sharing events", (r, _) =>
        {
            Assert.Equal(new[] { "AnonymousLinkCreated", "SharingInvitationCreated", "SharingInvitationCreated", "AnonymousLinkUsed" }, r.Output.Select(o => S(o, "Operation")));
            var link = r.Output[0];
            Assert.Single((System.Collections.IEnumerable)Prop(link, "RelatedEventIds")!);
            Assert.Equal("Use 203.0.113.50", $"{S(r.Output[3], "Action")} {S(r.Output[3], "SourceIp")}");
        }),
        ["Get-FileShareEvent #2"] = new("3 findings: the anonymous link (Critical), its use from 203.0.113.50 (High)", (r, _) =>
        {
            Assert.Equal(new[] { "Critical AnonymousLinkCreated", "High SharingInvitationCreated", "High AnonymousLinkUsed" },
                r.Output.Select(o => $"{S(o, "Severity")} {S(o, "Operation")}"));
            Assert.Equal("partner.drop@fabrikam-mail.net", S(r.Output[1], "Grantee"));
        }),
        ["Get-ShareEvent #1"] = new("returns 20 findings: 12 from CloudTrail, 3 from the Azure Activity Log", (r, _) =>
        {
            Assert.Empty(r.Warnings);
            var byProvider = r.Output.GroupBy(o => S(o, "Provider")).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(new Dictionary<string, int> { ["Aws"] = 12, ["Azure"] = 3, ["M365"] = 3, ["Gcp"] = 2 }, byProvider);
            var sas = Assert.Single(r.Output, o => S(o, "Operation") == "Microsoft.Compute/snapshots/beginGetAccess/action");
            Assert.Contains("1 h 4 min after it was issued", S(sas, "Reason"));
        }),
        ["Get-ShareEvent #2"] = new("22 in all, no bucket or storage account", (r, _) =>
        {
            Assert.Equal(22, r.Output.Count);
            Assert.Equal(new[] { "File", "Snapshot" }, r.Output.Select(o => S(o, "Category")).Distinct().OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(new Dictionary<string, int> { ["Aws"] = 13, ["Azure"] = 2, ["Gcp"] = 3, ["M365"] = 4 },
                r.Output.GroupBy(o => S(o, "Provider")).ToDictionary(g => g.Key, g => g.Count()));
        }),
        ["Export-TransferReport #1"] = new("Writes the 6 findings of the sample data to findings.jsonl, one JSON object per line, and returns nothing", (r, dir) =>
        {
            Assert.Empty(r.Output);
            var lines = File.ReadAllLines(Path.Combine(dir, "findings.jsonl"));
            Assert.Equal(6, lines.Length);
            Assert.All(lines, l => Assert.Equal("EventId", JsonDocument.Parse(l).RootElement.EnumerateObject().First().Name));
        }),
        ["Export-TransferReport #2"] = new("Writes all 6 findings to findings.jsonl and passes them on, so the same pipeline also returns the 2 Critical ones", (r, dir) =>
        {
            Assert.Equal(new[] { "Critical", "Critical" }, r.Output.Select(o => S(o, "Severity")));
            Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "findings.jsonl")).Length);
        }),
        ["Export-TransferReport #3"] = new("the second adds the 3 of eu-west-1: 6 lines in all", (r, dir) =>
        {
            Assert.Empty(r.Output);
            var regions = File.ReadAllLines(Path.Combine(dir, "case.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Source").GetString()!)
                .Select(src => src.Contains("eu-west-1", StringComparison.Ordinal) ? "eu-west-1" : "us-east-1");
            Assert.Equal(new[] { "us-east-1", "us-east-1", "us-east-1", "eu-west-1", "eu-west-1", "eu-west-1" }, regions);
        }),
        ["Get-TransferIncident #1"] = new("Returns 13 incidents from the 20 findings of the sample data: 6 Critical, 5 High and 2 Medium", (r, _) =>
        {
            Assert.Empty(r.Warnings);
            Assert.Equal(13, r.Output.Count);
            Assert.Equal(20, r.Output.Sum(o => ((System.Collections.ICollection)Prop(o, "Findings")!).Count));
            Assert.Equal(new Dictionary<string, int> { ["Critical"] = 6, ["High"] = 5, ["Medium"] = 2 }, r.Output.GroupBy(o => S(o, "Severity")).ToDictionary(g => g.Key, g => g.Count()));
            var chain = Assert.Single(r.Output, o => S(o, "Grantee") == "210987654321");
            Assert.Equal("Critical Created, Shared, KeyShared, Used, Revoked 00:41:50", $"{S(chain, "Severity")} {S(chain, "Stages")} {S(chain, "OpenFor")}");
            var mass = Assert.Single(r.Output, o => S(o, "Kind") == "MassShare");
            Assert.Equal("999988887777 4", $"{S(mass, "Grantee")} {((System.Collections.ICollection)Prop(mass, "Resources")!).Count}");
        }),
        ["Get-TransferIncident #2"] = new("Returns the 2 incidents whose data has left", (r, _) =>
        {
            Assert.Equal(new[] { "Anyone 203.0.113.50", "210987654321 " }, r.Output.Select(o => $"{S(o, "Grantee")} {string.Join(",", (IEnumerable<string>)Prop(o, "UnfamiliarSourceIps")!)}"));
            Assert.Contains("203.0.113.50, an address not otherwise seen for the tenant", S(r.Output[0], "Summary"));
        }),
        ["Get-TransferIncident #3"] = new("Returns 2 incidents: the anyone-link (AnonymousLink, Critical, Stages Shared, Used)", (r, _) =>
        {
            Assert.Equal(new[] { "AnonymousLink Critical Shared, Used False", "ExternalShare High Shared True" },
                r.Output.Select(o => $"{S(o, "Kind")} {S(o, "Severity")} {S(o, "Stages")} {S(o, "FirstSeenGrantee")}"));
            Assert.Equal("partner.drop@fabrikam-mail.net", S(r.Output[1], "Grantee"));
        }),
        ["Save-ShareBaseline #1"] = new("11 grants standing and 6 external grantees", (r, dir) =>
        {
            var b = Assert.Single(r.Output);
            Assert.Equal(11, ((System.Collections.ICollection)Prop(b, "Grants")!).Count);
            Assert.Equal(6, ((System.Collections.ICollection)Prop(b, "Grantees")!).Count);
            string text = File.ReadAllText(Path.Combine(dir, "baseline.json"));
            Assert.StartsWith("{\"format\":\"TransferDetect.ShareBaseline\",\"version\":1,", text);
            Assert.DoesNotContain("snap-0c0ffee5eed000042", text);
            Assert.Contains("\"grantee\":\"210987654321\",\"granteeType\":\"Account\",\"firstSeen\":\"2026-11-05T10:06:40Z\"", text);
        }),
        ["Save-ShareBaseline #2"] = new("so it holds 7 grants and 2 grantees", (r, dir) =>
        {
            Assert.Empty(r.Warnings);
            var b = Assert.Single(r.Output);
            Assert.Equal(7, ((System.Collections.ICollection)Prop(b, "Grants")!).Count);
            Assert.Equal(2, ((System.Collections.ICollection)Prop(b, "Grantees")!).Count);
            Assert.Contains("snap-0a1b2c3d4e5f60718", File.ReadAllText(Path.Combine(dir, "aws.json")));
        }),
        ["Compare-ShareBaseline #1"] = new("Returns 9 changes, all New: 4 grantees the AWS baseline does not know", (r, _) =>
        {
            Assert.Equal(9, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("New", S(o, "Change")));
            Assert.Equal(new[] { "210987654321", "mallory@contoso.com", "partner.drop@fabrikam-mail.net", "user:exfil.drop@gmail.com" },
                r.Output.Where(o => S(o, "Item") == "Grantee").Select(o => S(o, "Grantee")));
            Assert.Equal(5, r.Output.Count(o => S(o, "Item") == "Grant"));
        }),
        ["Compare-ShareBaseline #2"] = new("prints \"nothing new\"", (r, _) =>
        {
            Assert.Equal(new[] { "nothing new" }, r.Output.Select(o => o.ToString()));
        }),
        ["Export-TransferReport #4"] = new("findings.csv holds a header line and the 20 findings of the sample data of all four providers", (r, dir) =>
        {
            Assert.Empty(r.Output);
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "findings.csv"));
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
            string[] lines = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).TrimEnd('\r', '\n').Split("\r\n");
            Assert.Equal(21, lines.Length);
            Assert.StartsWith("EventId,Provider,Operation,EventTime,", lines[0]);
            Assert.Equal(new[] { "Aws", "Azure", "Gcp", "M365" }, lines.Skip(1).Select(l => l.Split(',')[1]).Distinct().OrderBy(x => x, StringComparer.Ordinal));
        }),
        ["Export-TransferReport #5"] = new("the summary of the 20 findings (5 of them Critical), a timeline with a row per grantee and a mark per share", (r, dir) =>
        {
            Assert.Empty(r.Output);
            string html = File.ReadAllText(Path.Combine(dir, "report.html"));
            Assert.Contains("<h2>Findings (20)</h2>", html);
            Assert.Contains("<tr class=\"sev-critical\"><td class=\"sev\">Critical</td><td>5</td>", html);
            Assert.Equal(20, html.Split("<circle class=\"mark ").Length - 1);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Content-Security-Policy", html);
        }),
    };

    public static TheoryData<string> ExampleKeys => new(Expectations.Keys);

    private static List<Example> ExamplesInHelp()
    {
        using var s = new PowerShellSession();
        var r = s.Run("""
            foreach ($cmdlet in (Get-Module TransferDetect).ExportedCmdlets.Keys) {
                $n = 0
                foreach ($e in (Get-Help $cmdlet -Full).examples.example) {
                    $n++
                    [pscustomobject]@{ Cmdlet = $cmdlet; Number = $n; Title = "$($e.title)"; Code = "$($e.code)"
                                       Remarks = (@($e.remarks | ForEach-Object { $_.Text }) -join ' ').Trim() }
                }
            }
            """);
        Assert.Empty(r.Errors);
        return r.Output.Select(o => new Example(S(o, "Cmdlet"), (int)Prop(o, "Number")!, S(o, "Title"), S(o, "Code"), S(o, "Remarks"))).ToList();
    }

    [Fact]
    public void Every_example_in_the_help_is_checked_here_and_every_cmdlet_has_at_least_two()
    {
        var examples = ExamplesInHelp();
        Assert.Equal(Expectations.Keys.OrderBy(k => k, StringComparer.Ordinal), examples.Select(e => $"{e.Cmdlet} #{e.Number}").OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(examples.GroupBy(e => e.Cmdlet), g => Assert.True(g.Count() >= 2, $"{g.Key} has {g.Count()} example(s)"));
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Code), $"{e.Cmdlet} #{e.Number} has no code"));
    }

    [Theory]
    [MemberData(nameof(ExampleKeys))]
    public void Help_example_runs_on_the_sample_data_and_does_what_its_remark_says(string key)
    {
        var example = ExamplesInHelp().SingleOrDefault(e => $"{e.Cmdlet} #{e.Number}" == key);
        Assert.True(example != null, $"{key} is no longer in the help: update the expectations of this test.");
        var expectation = Expectations[key];
        Assert.Contains(expectation.RemarkSays, example.Remarks);

        string dir = CopyOfExamples();
        using var s = new PowerShellSession();
        s.SetLocation(dir);
        var r = s.Run(example.Code);

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        expectation.Check(r, dir);
    }

    /// <summary>A temporary copy of examples/data, examples/integrity and examples/zone.json, so examples may write files.</summary>
    private static string CopyOfExamples()
    {
        string dir = RepoPaths.NewTempDirectory();
        string examples = Path.Combine(RepoPaths.Root, "examples");
        File.Copy(Path.Combine(examples, "zone.json"), Path.Combine(dir, "zone.json"));
        foreach (string folder in new[] { "data", "integrity" })
        {
            string data = Path.Combine(examples, folder);
            foreach (string file in Directory.GetFiles(data, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(dir, folder, Path.GetRelativePath(data, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return dir;
    }
}
