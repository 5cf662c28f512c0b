using System.Management.Automation;
using System.Text.Json;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>The module as a responder meets it, on the Stratus Red Team detonation logs of ../shared.</summary>
public class SnapshotPipelineTests
{
    private static readonly (string EventId, string Operation, string Grantee)[] StratusShares =
    {
        ("1f00bcfa-e050-4c2e-b99b-768ebe3a3dd3", "ModifyImageAttribute", "846424999548"),
        ("6897ff63-d738-445c-9e86-43e5b1f8e12f", "ModifySnapshotAttribute", "098797384747"),
        ("fef2bf02-bbea-4d0f-a91c-e6ccfe3fba46", "ModifyDBSnapshotAttribute", "503161813013"),
    };

    private static IEnumerable<(string, string, string)> Triples(ScriptResult r) =>
        r.Output.Select(o => ((string)Prop(o, "EventId")!, (string)Prop(o, "Operation")!, (string)Prop(o, "Grantee")!)).OrderBy(t => t.Item1);

    [Fact]
    public void Stratus_logs_give_exactly_the_three_detonations_and_nothing_from_the_307_background_records()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] -Verbose | Find-ExternalShare -TrustedAccount 111122223333 -Verbose", RepoPaths.Stratus);

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(StratusShares.OrderBy(t => t.EventId), Triples(r));
        Assert.All(r.Output, o => Assert.Equal("TransferDetect.Engine.Model.Finding", o.TypeNames[0]));
        Assert.All(r.Output, o => Assert.Equal("High", Prop(o, "Severity")!.ToString()));
        Assert.All(r.Output, o => Assert.Equal("Account", Prop(o, "GranteeType")!.ToString()));
        Assert.Contains(r.Verbose, v => v.StartsWith("Read 35 file(s), 310 record(s)", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.StartsWith("Evaluated 3 share event(s): 3 finding(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Trusting_a_grantee_account_removes_its_finding()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustedAccount 846424999548, 503161813013", RepoPaths.Stratus);
        Assert.Equal(new[] { StratusShares[1] }, Triples(r));
    }

    [Fact]
    public void Trust_zone_file_is_applied()
    {
        RepoPaths.RequireSharedData();
        string zone = Path.Combine(RepoPaths.NewTempDirectory(), "zone.json");
        File.WriteAllText(zone, """{"aws":{"accounts":["098797384747"],"organizations":["o-a1b2c3d4e5"]}}""");
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1]", RepoPaths.Stratus, zone);
        Assert.Empty(r.Warnings);
        Assert.Equal(new[] { StratusShares[0], StratusShares[2] }, Triples(r));
    }

    [Fact]
    public void Provider_items_piped_in_bind_through_PSPath()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        // Get-ChildItem's output, without Microsoft.PowerShell.Management: the provider adds PSPath the same way.
        var r = s.Run("$ExecutionContext.InvokeProvider.ChildItem.Get($args[0], $false) | Get-SnapshotShareEvent", RepoPaths.Stratus);
        Assert.Empty(r.Errors);
        Assert.Equal(3, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal("TransferDetect.Engine.Model.ShareEvent", o.TypeNames[0]));
    }

    [Fact]
    public void Path_expands_wildcards_and_LiteralPath_does_not()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        var wild = s.Run("Get-SnapshotShareEvent -Path ([System.IO.Path]::Combine($args[0], 'aws.exfiltration.*share*.json'))", RepoPaths.Stratus);
        Assert.Equal(3, wild.Output.Count);

        string dir = RepoPaths.NewTempDirectory();
        string odd = Path.Combine(dir, "snap[1].json");
        File.Copy(Path.Combine(RepoPaths.Stratus, "aws.exfiltration.ec2-share-ebs-snapshot.json"), odd);
        var literal = s.Run("Get-SnapshotShareEvent -LiteralPath $args[0]", odd);
        Assert.Empty(literal.Errors);
        Assert.Equal("snap-041993b54a9b3af6f", Prop(Assert.Single(literal.Output), "ResourceId"));
    }

    [Fact]
    public void Time_window_parameters_filter_events()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] -StartTime ([datetime]::SpecifyKind([datetime]'2024-08-01 12:27:00', 'Utc')) -EndTime ([datetime]::SpecifyKind([datetime]'2024-08-01 12:30:00', 'Utc'))", RepoPaths.Stratus);
        Assert.Equal("098797384747", Prop(Assert.Single(r.Output), "Grantee"));
    }

    [Fact]
    public void Start_after_end_is_a_terminating_argument_error()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path . -StartTime ([datetime]'2024-08-02') -EndTime ([datetime]'2024-08-01'); 'next statement ran'");
        Assert.Equal("TransferDetect.InvalidTimeWindow,TransferDetect.Commands.GetSnapshotShareEventCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Bad_files_each_give_one_error_naming_the_file_and_the_good_file_is_still_read()
    {
        RepoPaths.RequireSharedData();
        string dir = RepoPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(dir, "a-empty.json"), "");
        File.WriteAllText(Path.Combine(dir, "b-notjson.json"), "<html>Access Denied</html>");
        File.WriteAllText(Path.Combine(dir, "c-shape.json"), """{"data":{"items":[1,2,3]}}""");
        byte[] gz = RepoPaths.Gzip(File.ReadAllBytes(Path.Combine(RepoPaths.Stratus, "aws.credential-access.ec2-get-password-data.json")));
        File.WriteAllBytes(Path.Combine(dir, "d-truncated.json.gz"), gz.Take(gz.Length / 2).ToArray());
        string share = File.ReadAllText(Path.Combine(RepoPaths.Stratus, "aws.exfiltration.ec2-share-ebs-snapshot.json"));
        File.WriteAllText(Path.Combine(dir, "e-noparams.json"), share.Replace("\"requestParameters\"", "\"requestParametersX\""));
        File.Copy(Path.Combine(RepoPaths.Stratus, "aws.exfiltration.ec2-share-ami.json"), Path.Combine(dir, "f-good.json"));

        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] -Verbose | Find-ExternalShare -TrustedAccount 111122223333", dir);

        Assert.Null(r.Terminating);
        Assert.Equal("846424999548", Prop(Assert.Single(r.Output), "Grantee"));
        Assert.Equal(
            new[]
            {
                ("a-empty.json", "TransferDetect.EmptyFile"),
                ("b-notjson.json", "TransferDetect.NotJson"),
                ("c-shape.json", "TransferDetect.UnexpectedShape"),
                ("d-truncated.json.gz", "TransferDetect.Truncated"),
                ("e-noparams.json", "TransferDetect.IncompleteRecord"),
            },
            r.Errors.Select(e => (Path.GetFileName((string)e.TargetObject), e.FullyQualifiedErrorId.Split(',')[0])));
        Assert.All(r.Errors, e => Assert.Contains(Path.GetFileName((string)e.TargetObject), e.Exception.Message));
        Assert.Contains(r.Verbose, v => v.StartsWith("Read 6 file(s)", StringComparison.Ordinal) && v.Contains("5 problem(s) reported in 5 file(s)"));
    }

    [Fact]
    public void Missing_path_is_an_error_and_the_pipeline_goes_on()
    {
        RepoPaths.RequireSharedData();
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path ([System.IO.Path]::Combine($args[0], 'no-such-file.json')), ([System.IO.Path]::Combine($args[0], 'aws.exfiltration.ec2-share-ami.json'))", RepoPaths.Stratus);
        Assert.Single(r.Output);
        Assert.Equal("TransferDetect.PathNotFound", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Invalid_trust_zone_stops_Find_ExternalShare_with_a_clear_error()
    {
        string zone = Path.Combine(RepoPaths.NewTempDirectory(), "zone.json");
        File.WriteAllText(zone, """{"aws":{"accounts":["not-an-account"]}}""");
        using var s = new PowerShellSession();
        var r = s.Run("@() | Find-ExternalShare -TrustZonePath $args[0]", zone);
        var e = Assert.Single(r.Errors);
        Assert.Equal("TransferDetect.InvalidTrustZone,TransferDetect.Commands.FindExternalShareCommand", e.FullyQualifiedErrorId);
        Assert.Contains("aws.accounts[0] 'not-an-account' is not an AWS account id", e.Exception.Message);
    }

    [Fact]
    public void No_trust_zone_warns_that_only_owners_are_trusted()
    {
        using var s = new PowerShellSession();
        var r = s.Run("@() | Find-ExternalShare");
        Assert.Contains(r.Warnings, w => w.StartsWith("No trust zone was given", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_TransferReport_writes_the_finding_records_as_json_lines()
    {
        RepoPaths.RequireSharedData();
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "findings.jsonl");
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustedAccount 111122223333 | Export-TransferReport -Path $args[1] -Format JsonLines", RepoPaths.Stratus, report);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        string[] lines = File.ReadAllLines(report);
        Assert.Equal(3, lines.Length);
        string[] fields = { "EventId", "Provider", "Operation", "EventTime", "Actor", "SourceIp", "AccountId", "ResourceType", "ResourceId", "Grantee", "GranteeType", "Succeeded", "Severity", "Reason", "Source" };
        var rows = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(rows, row => Assert.Equal(fields, row.EnumerateObject().Select(p => p.Name)));
        var ebs = rows.Single(row => row.GetProperty("Operation").GetString() == "ModifySnapshotAttribute");
        Assert.Equal("6897ff63-d738-445c-9e86-43e5b1f8e12f", ebs.GetProperty("EventId").GetString());
        Assert.Equal("2024-08-01T12:28:02Z", ebs.GetProperty("EventTime").GetString());
        Assert.Equal("arn:aws:iam::756680937392:user/christophe", ebs.GetProperty("Actor").GetString());
        Assert.Equal("253.76.43.253", ebs.GetProperty("SourceIp").GetString());
        Assert.Equal("756680937392", ebs.GetProperty("AccountId").GetString());
        Assert.Equal("EbsSnapshot", ebs.GetProperty("ResourceType").GetString());
        Assert.Equal("098797384747", ebs.GetProperty("Grantee").GetString());
        Assert.Equal("Aws", ebs.GetProperty("Provider").GetString());
        Assert.EndsWith("aws.exfiltration.ec2-share-ebs-snapshot.json:2 (record 1, offset 5)", ebs.GetProperty("Source").GetString());

        var again = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustedAccount 111122223333 | Export-TransferReport -Path $args[1] -NoClobber", RepoPaths.Stratus, report);
        Assert.Equal("TransferDetect.ReportExists", Assert.Single(again.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var append = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustedAccount 111122223333 | Export-TransferReport -Path $args[1] -Append -PassThru", RepoPaths.Stratus, report);
        Assert.Equal(3, append.Output.Count);
        Assert.Equal(6, File.ReadAllLines(report).Length);
    }
}
