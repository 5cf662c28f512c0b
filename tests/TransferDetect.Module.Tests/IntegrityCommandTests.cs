using TransferDetect.Host;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>Test-CloudTrailLogIntegrity in the hosted engine, on the signed sample tree of examples/integrity.</summary>
public class IntegrityCommandTests
{
    private static string Sample => Path.Combine(RepoPaths.Root, "examples", "integrity");
    private static string Key => Path.Combine(Sample, "cloudtrail-public-key.pem");

    [Fact]
    public void Sample_tree_gives_one_typed_result_per_file_and_warns_about_its_modified_log_file()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Test-CloudTrailLogIntegrity -Path $args[0] -PublicKeyPath $args[1] -Verbose", Path.Combine(Sample, "AWSLogs"), Key);

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(16, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal("TransferDetect.Engine.Integrity.CloudTrailIntegrityResult", o.TypeNames[0]));
        var modified = Assert.Single(r.Output, o => Prop(o, "Status")!.ToString() != "Valid");
        Assert.Equal("Modified", Prop(modified, "Status")!.ToString());
        Assert.Equal("111122223333 us-east-1 management-events", $"{Prop(modified, "Account")} {Prop(modified, "Region")} {Prop(modified, "Trail")}");
        var warning = Assert.Single(r.Warnings);
        Assert.StartsWith("1 log file(s) or digest(s) fail the integrity check", warning);
        Assert.Contains(r.Verbose, v => v.StartsWith("Checked 10 log file(s) and 6 digest(s) in 2 account/region folder(s)", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.StartsWith("Public key 5dafa13aeba996d3a9457ab69642b928 (RSA 2048)", StringComparison.Ordinal));
    }

    [Fact]
    public void Truncated_log_file_is_one_non_terminating_error_and_the_rest_is_still_checked()
    {
        string copy = CopyOfSample();
        string victim = Directory.GetFiles(Path.Combine(copy, "AWSLogs"), "*_20261102T1120Z_*.json.gz", SearchOption.AllDirectories).Single();
        byte[] gz = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, gz.AsSpan(0, gz.Length - 10).ToArray());

        using var s = new PowerShellSession();
        var r = s.Run("Test-CloudTrailLogIntegrity -LiteralPath $args[0] -PublicKeyPath $args[1]", Path.Combine(copy, "AWSLogs"), Key);

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.Equal(victim, error.TargetObject);
        Assert.StartsWith("TransferDetect.", error.FullyQualifiedErrorId);
        Assert.Equal(16, r.Output.Count);
        Assert.Equal(new[] { "Modified", "Unreadable" }, r.Output.Select(o => Prop(o, "Status")!.ToString()).Where(x => x != "Valid").Order());
    }

    [Fact]
    public void Unreadable_public_key_file_stops_the_command()
    {
        string bad = Path.Combine(RepoPaths.NewTempDirectory(), "key.pem");
        File.WriteAllText(bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        using var s = new PowerShellSession();
        var r = s.Run("Test-CloudTrailLogIntegrity -Path $args[0] -PublicKeyPath $args[1]", Path.Combine(Sample, "AWSLogs"), bad);
        var e = Assert.Single(r.Errors);
        Assert.Equal("TransferDetect.InvalidPublicKey,TransferDetect.Commands.TestCloudTrailLogIntegrityCommand", e.FullyQualifiedErrorId);
        Assert.Contains(bad, e.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Share_reader_reads_a_tree_with_digest_folders_without_errors()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Get-ShareEvent -Path $args[0] -Verbose", Path.Combine(Sample, "AWSLogs"));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        Assert.Contains(r.Verbose, v => v.StartsWith("Skipped the digest folder", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.StartsWith("Read 10 file(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Results_render_through_their_table_view()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = ScriptRunner.Run(HostOptions.Parse(new[] { "-Command",
            $"Test-CloudTrailLogIntegrity -Path '{Path.Combine(Sample, "AWSLogs")}' -PublicKeyPath '{Key}' | Where-Object Region -eq us-east-1" }), output, errors);
        Assert.Equal(0, exit);
        string[] lines = output.ToString().Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains("Status Kind Region Time (UTC) File Reason", lines);
        Assert.Contains(lines, l => l.StartsWith("Modified LogFile us-east-1 2026-11-02 09:10 …", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Valid Digest us-east-1 2026-11-02 11:05 …", StringComparison.Ordinal));
    }

    private static string CopyOfSample()
    {
        string dir = RepoPaths.NewTempDirectory();
        foreach (string file in Directory.GetFiles(Sample, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(dir, Path.GetRelativePath(Sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return dir;
    }
}
