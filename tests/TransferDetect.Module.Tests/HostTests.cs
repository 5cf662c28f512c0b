using System.Text.Json;
using TransferDetect.Host;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>The headless host: what it prints through the format views, and its exit codes.</summary>
public class HostTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = ScriptRunner.Run(HostOptions.Parse(args), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public void The_host_runs_without_the_runtimes_instrumented_tier()
    {
        // README, Performance: the profiling counters cost Azure and GCP scans 8 to 20% on two cores.
        string config = Path.Combine(Path.GetDirectoryName(typeof(HostOptions).Assembly.Location)!, "TransferDetect.Host.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
    }

    [Fact]
    public void Example_hunt_prints_the_findings_table_of_the_sample_data()
    {
        var (exit, output, errors) = Run("-File", Path.Combine(RepoPaths.Root, "examples", "hunt.ps1"));
        Assert.Equal("", errors);
        Assert.Equal(0, exit);
        string[] lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int header = Array.FindIndex(lines, l => l.StartsWith("Severity EventTime (UTC)", StringComparison.Ordinal) && l.TrimEnd().EndsWith("Grantee", StringComparison.Ordinal));
        int summary = Array.FindIndex(lines, l => l.Contains(" finding(s): ", StringComparison.Ordinal));
        Assert.True(header >= 0 && summary > header, output);
        string[] rows = lines[header..summary].Where(l => l.StartsWith("Critical ") || l.StartsWith("High ") || l.StartsWith("Low ") || l.StartsWith("Medium ")).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(
            new[]
            {
                "Low 2026-11-02 11:22:09 Aws ModifyDBSnapshotAttribute customers-prod-2026-11-01 999988887777",
                "Critical 2026-11-02 11:25:44 Aws ModifyDBClusterSnapshotAttribute orders-aurora-final all",
                "High 2026-11-02 11:27:30 Aws AuthorizeSnapshotAccess dw-nightly-2026-11-01 999988887777",
                "High 2026-11-02 09:01:12 Aws ModifySnapshotAttribute snap-0a1b2c3d4e5f60718 999988887777",
                "Critical 2026-11-02 14:05:51 Aws ModifySnapshotAttribute snap-0badc0ffee0000001 all",
                "High 2026-11-02 14:07:19 Aws ModifyImageAttribute ami-0f1e2d3c4b5a69788 arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v",
                "High 2026-11-02 15:03:40 Aws PutBucketPolicy contoso-finance-archive arn:aws:iam::999988887777:root",
                "Critical 2026-11-02 15:07:45 Aws PutBucketAcl contoso-web-assets http://acs.amazonaws.com/groups/global/AllUsers",
                "High 2026-11-02 15:12:19 Aws PutBucketReplication contoso-finance-archive 999988887777",
                "High 2026-11-02 14:05:10 Azure Microsoft.Compute/snapshots/beg… …ts/snap-finance-db-2026-11-01 SAS URI",
                "Medium 2026-11-02 14:31:09 Azure Microsoft.Compute/disks/beginGe… …mpute/disks/disk-payroll-data SAS URI",
                "Medium 2026-11-02 14:12:30 Azure Microsoft.Storage/storageAccoun… …e/storageAccounts/stfinance01 mallory@contoso.com",
                "High 2026-11-05 10:06:40 Aws ModifySnapshotAttribute snap-0c0ffee5eed000042 210987654321",
                "High 2026-11-05 10:07:05 Aws CreateGrant …e-9b3c-4e8f-a0d1-2c3b4a5f6e70 arn:aws:iam::210987654321:root",
                "High 2026-11-05 10:19:52 Aws SharedSnapshotCopyInitiated snap-0c0ffee5eed000042 210987654321",
                "High 2026-11-04 08:15:42 Gcp v1.compute.snapshots.setIamPoli… …/snapshots/db-snap-2026-11-03 user:exfil.drop@gmail.com",
                "Critical 2026-11-04 08:22:05 Gcp storage.setIamPermissions …/buckets/contoso-prod-exports allUsers",
                "Critical 2026-11-03 09:14:02 M365 AnonymousLinkCreated …m/Documents/payroll-2026.xlsx Anyone",
                "High 2026-11-03 10:02:37 M365 SharingInvitationCreated …ed Documents/budget-2027.docx partner.drop@fabrikam-mail.net",
                "High 2026-11-03 11:40:19 M365 AnonymousLinkUsed …m/Documents/payroll-2026.xlsx Anyone",
            },
            rows);
        Assert.Contains("20 finding(s): 5 Critical, 12 High, 2 Medium, 1 Low", output);

        // Then the incidents, through their own table view.
        int incidents = Array.FindIndex(lines, summary, l => l.StartsWith("Severity Kind", StringComparison.Ordinal));
        Assert.True(incidents > summary, output);
        Assert.Equal("Severity Kind Start (UTC) Grantee Resources Stages", string.Join(' ', lines[incidents].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        string[] incidentRows = lines[(incidents + 2)..].TakeWhile(l => l.Length > 0).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(13, incidentRows.Length);
        Assert.Equal("High MassShare 2026-11-02 09:01:12 999988887777 customers-prod-2026-11-01 (+3) Shared, Revoked, Attempted", incidentRows[0]);
        Assert.Equal("Critical SnapshotShare 2026-11-05 10:02:11 210987654321 snap-0c0ffee5eed000042 Created, Shared, KeyShared, Used, Revoked", incidentRows[12]);
        Assert.Contains("13 incident(s): 2 used (data has left), 9 still open, 6 with a grantee never seen before", output);
        Assert.DoesNotContain("\u001b[", output);
    }

    [Fact]
    public void Example_hunt_writes_a_report_when_asked()
    {
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "out.jsonl");
        var (exit, _, errors) = Run("-File", Path.Combine(RepoPaths.Root, "examples", "hunt.ps1"), "-ReportPath", report, "-StartTime", "2026-11-02T12:00:00Z", "-Category", "Snapshot");
        Assert.Equal("", errors);
        Assert.Equal(0, exit);
        var ids = File.ReadAllLines(report).Select(l => JsonDocument.Parse(l).RootElement).Select(r => $"{r.GetProperty("Provider").GetString()} {r.GetProperty("ResourceId").GetString()!.Split('/').Last()}").ToArray();
        Assert.Equal(new[] { "Aws snap-0badc0ffee0000001", "Aws ami-0f1e2d3c4b5a69788", "Azure snap-finance-db-2026-11-01", "Azure disk-payroll-data", "Aws snap-0c0ffee5eed000042", "Aws snap-0c0ffee5eed000042", "Gcp db-snap-2026-11-03" }, ids);
    }

    [Fact]
    public void Share_events_render_through_their_table_view()
    {
        RepoPaths.RequireSharedData();
        var (exit, output, errors) = Run("-Command", $"Get-SnapshotShareEvent -LiteralPath '{Path.Combine(RepoPaths.Stratus, "aws.exfiltration.rds-share-snapshot.json")}'");
        Assert.Equal("", errors);
        Assert.Equal(0, exit);
        string[] lines = output.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0).ToArray();
        Assert.Equal(
            new[]
            {
                "EventTime (UTC) Provider Operation Action ResourceId Grantee",
                "--------------- -------- --------- ------ ---------- -------",
                "2024-08-01 12:38:06 Aws ModifyDBSnapshotAttribute Add exfiltration 503161813013",
            },
            lines);
    }

    [Fact]
    public void Script_whose_parameters_name_an_unknown_type_fails_with_a_message_not_a_crash()
    {
        string dir = RepoPaths.NewTempDirectory();
        string script = Path.Combine(dir, "bad-param.ps1");
        File.WriteAllText(script, "param([No.Such.Type[]] $Category)\n'never'\n");
        var (exit, output, errors) = Run("-File", script);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("bad-param.ps1", errors);
        Assert.Contains("No.Such.Type", errors);
    }

    [Fact]
    public void Successful_script_exits_zero_and_prints_its_output()
    {
        var (exit, output, _) = Run("-Command", "'hello from the host'");
        Assert.Equal(0, exit);
        Assert.Equal("hello from the host", output.Trim());
    }

    [Fact]
    public void Thrown_error_exits_one_and_is_shown()
    {
        var (exit, output, errors) = Run("-Command", "'before'; throw 'the script failed'; 'never'");
        Assert.Equal(1, exit);
        Assert.Contains("before", output);
        Assert.DoesNotContain("never", output);
        Assert.Contains("the script failed", errors);
    }

    [Fact]
    public void Terminating_cmdlet_error_exits_one_and_the_next_statement_still_runs()
    {
        string zone = Path.Combine(RepoPaths.NewTempDirectory(), "zone.json");
        File.WriteAllText(zone, """{"aws":{"acounts":[]}}""");
        var (exit, output, errors) = Run("-Command", $"@() | Find-ExternalShare -TrustZonePath '{zone}'; 'next statement'");
        Assert.Equal(1, exit);
        Assert.Contains("unknown key 'aws.acounts'", errors);
        Assert.Contains("next statement", output);
    }

    [Fact]
    public void Non_terminating_errors_are_shown_and_exit_zero()
    {
        var (exit, _, errors) = Run("-Command", "Get-SnapshotShareEvent -Path ./no/such/place.json");
        Assert.Equal(0, exit);
        Assert.Contains("no/such/place.json", errors);
    }

    [Fact]
    public void Exit_statement_sets_the_exit_code()
    {
        Assert.Equal(3, Run("-Command", "exit 3").Exit);
    }

    [Fact]
    public void File_arguments_bind_by_name_switch_and_position()
    {
        string dir = RepoPaths.NewTempDirectory();
        string script = Path.Combine(dir, "args.ps1");
        File.WriteAllText(script, "param([string]$Name, [switch]$Loud, [int]$Count, [string]$Rest)\n\"$Name|$Loud|$Count|$Rest\"");
        var (exit, output, errors) = Run("-File", script, "-Name", "snap-1", "-Loud", "-Count:4", "tail");
        Assert.Equal("", errors);
        Assert.Equal(0, exit);
        Assert.Equal("snap-1|True|4|tail", output.Trim());
    }

    [Fact]
    public void Prompts_fail_instead_of_waiting_for_input()
    {
        var (exit, _, errors) = Run("-Command", "$Host.UI.ReadLine()");
        Assert.Equal(1, exit);
        Assert.Contains("cannot prompt", errors);
    }

    [Theory]
    [InlineData(new string[0], "exactly one of -Command or -File")]
    [InlineData(new[] { "-Command", "1", "-File", "x.ps1" }, "exactly one of -Command or -File")]
    [InlineData(new[] { "-Bogus" }, "Unknown argument '-Bogus'")]
    [InlineData(new[] { "-Width", "5", "-Command", "1" }, "-Width takes a number")]
    public void Bad_host_arguments_are_refused_with_a_reason(string[] args, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => HostOptions.Parse(args));
        Assert.Contains(expected, e.Message);
    }
}
