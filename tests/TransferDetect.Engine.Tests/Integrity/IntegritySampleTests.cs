using System.Security.Cryptography;
using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Integrity;
using TransferDetect.Engine.Model;
using Xunit;

namespace TransferDetect.Tests.Integrity;

/// <summary>The sample tree of examples/integrity: how it is made, and what checking it gives.</summary>
public sealed class IntegritySampleTests
{
    private static string SampleDir => Path.Combine(RepoPaths.Root, "examples", "integrity");
    private static string TamperedKey => "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0910Z_681848BEBFF34682.json.gz";

    /// <summary>
    /// Rewrites examples/integrity (run it by name: it is explicit). A fresh RSA key signs the digests;
    /// only its public half is kept. One log file is then changed, so the sample shows a Modified file.
    /// </summary>
    [Fact(Explicit = true)]
    public void Write_the_sample_tree_of_examples_integrity()
    {
        string awsLogs = Path.Combine(SampleDir, "AWSLogs");
        if (Directory.Exists(awsLogs)) Directory.Delete(awsLogs, recursive: true);
        using var key = RSA.Create(2048);
        var b = new CloudTrailTreeBuilder(SampleDir, key, bucket: "acme-cloudtrail-logs");
        var east = b.AddTrail("111122223333", "us-east-1", "management-events");
        var start = new DateTime(2026, 11, 2, 9, 5, 12, DateTimeKind.Utc);
        east.AddHour(start);
        east.AddHour(start.AddHours(1));
        east.AddHour(start.AddHours(2), logFiles: 0); // a quiet hour: CloudTrail still delivers a digest
        east.AddHour(start.AddHours(3));
        east.WriteNewestSignatureSidecar();
        var west = b.AddTrail("111122223333", "eu-west-1", "management-events");
        west.AddHour(start);
        west.AddHour(start.AddHours(1));
        west.WriteNewestSignatureSidecar();
        File.WriteAllText(Path.Combine(SampleDir, "cloudtrail-public-key.pem"), key.ExportRSAPublicKeyPem() + "\n");

        // Someone removed a record from one delivered log file.
        string victim = east.LocalPath(east.Digests[1].LogFiles[0]);
        File.WriteAllBytes(victim, RepoPaths.Gzip(Encoding.UTF8.GetBytes(east.LogFileJson(start.AddMinutes(10), 2))));
    }

    [Fact]
    public void Sample_tree_is_intact_except_its_one_changed_log_file()
    {
        var keys = CloudTrailPublicKey.Load(Path.Combine(SampleDir, "cloudtrail-public-key.pem"));
        var host = new CollectingScanHost();
        var v = new CloudTrailDigestValidator(host, new CloudTrailIntegrityOptions { PublicKeys = keys });
        var results = v.Validate(new[] { Path.Combine(SampleDir, "AWSLogs") }, TestContext.Current.CancellationToken).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(6, results.Count(r => r.Kind == IntegrityItemKind.Digest));
        Assert.Equal(10, results.Count(r => r.Kind == IntegrityItemKind.LogFile));
        var bad = Assert.Single(results, r => r.Status != IntegrityStatus.Valid);
        Assert.Equal((IntegrityStatus.Modified, TamperedKey), (bad.Status, bad.S3Key));
        Assert.All(results.Where(r => r.Kind == IntegrityItemKind.Digest), d => Assert.Equal(DigestSignatureStatus.Valid, d.SignatureStatus));
    }

    [Fact]
    public void Sample_log_files_hold_no_share_events()
    {
        var reader = new TransferDetect.Engine.Sources.ShareLogReader(new CollectingScanHost());
        Assert.Empty(reader.Read(new[] { Path.Combine(SampleDir, "AWSLogs") }, TestContext.Current.CancellationToken));
        Assert.Equal(10, reader.Statistics.FilesRead);
    }
}
