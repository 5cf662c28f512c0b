using System.Security.Cryptography;
using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Integrity;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Tests.Integrity;

public sealed class CloudTrailDigestValidatorTests : IDisposable
{
    private const string Account = "111122223333";
    private static readonly DateTime Hour0 = new(2026, 11, 2, 9, 1, 31, DateTimeKind.Utc);
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _root = RepoPaths.NewTempDirectory();

    public void Dispose() => _key.Dispose();

    private CloudTrailTreeBuilder Builder(string? prefix = null) => new(_root, _key, keyPrefix: prefix);

    /// <summary>A trail with three hourly digests (two log files each), the newest signature saved beside it.</summary>
    private (CloudTrailTreeBuilder B, CloudTrailTreeBuilder.Trail T) ThreeHours(string? prefix = null)
    {
        var b = Builder(prefix);
        var t = b.AddTrail(Account, "us-east-1");
        for (int h = 0; h < 3; h++) t.AddHour(Hour0.AddHours(h));
        t.WriteNewestSignatureSidecar();
        return (b, t);
    }

    private (List<CloudTrailIntegrityResult> Results, CollectingScanHost Host, CloudTrailIntegrityStatistics Stats) Validate(
        IEnumerable<CloudTrailPublicKey>? keys = null, TimeWindow? window = null, string? path = null)
    {
        var host = new CollectingScanHost();
        var v = new CloudTrailDigestValidator(host, new CloudTrailIntegrityOptions
        {
            PublicKeys = (keys ?? Array.Empty<CloudTrailPublicKey>()).ToList(),
            Window = window ?? TimeWindow.All,
        });
        var results = v.Validate(new[] { path ?? Path.Combine(_root, "AWSLogs") }, TestContext.Current.CancellationToken).ToList();
        return (results, host, v.Statistics);
    }

    private static List<CloudTrailIntegrityResult> Logs(IEnumerable<CloudTrailIntegrityResult> r) => r.Where(x => x.Kind == IntegrityItemKind.LogFile).ToList();
    private static List<CloudTrailIntegrityResult> Digests(IEnumerable<CloudTrailIntegrityResult> r) => r.Where(x => x.Kind == IntegrityItemKind.Digest).ToList();

    [Fact]
    public void Untouched_tree_is_valid_log_files_digest_chain_and_every_signature()
    {
        var (b, t) = ThreeHours();
        var (results, host, stats) = Validate(new[] { b.PublicKey });

        Assert.Empty(host.Issues);
        Assert.Equal(6, Logs(results).Count);
        Assert.All(Logs(results), r => Assert.Equal(IntegrityStatus.Valid, r.Status));
        Assert.All(Logs(results), r => Assert.Equal(r.ExpectedHash, r.ActualHash));
        var digests = Digests(results);
        Assert.Equal(t.Digests.Select(d => d.Path), digests.Select(d => d.Path));
        Assert.All(digests, d => Assert.Equal(IntegrityStatus.Valid, d.Status));
        Assert.All(digests, d => Assert.Equal(DigestSignatureStatus.Valid, d.SignatureStatus));
        Assert.Equal(new DigestChainStatus?[] { DigestChainStatus.ChainStart, DigestChainStatus.Valid, DigestChainStatus.Valid }, digests.Select(d => d.ChainStatus));
        Assert.Equal(t.Digests.Select(d => d.S3Key), digests.Select(d => d.S3Key));
        Assert.All(results, r => Assert.Equal((Account, "us-east-1", "management-events"), (r.Account, r.Region, r.Trail)));
        Assert.Equal(Hour0.AddHours(-1), stats.CoveredFrom);
        Assert.Equal(Hour0.AddHours(2), stats.CoveredUntil);
        Assert.Equal(0, stats.Problems);
    }

    [Fact]
    public void Log_files_are_listed_after_the_digest_that_lists_them_with_its_time()
    {
        var (b, t) = ThreeHours();
        var (results, _, _) = Validate(new[] { b.PublicKey });
        Assert.Equal(IntegrityItemKind.Digest, results[0].Kind);
        Assert.Equal(t.Digests[0].LogFiles.Select(t.LocalPath), results.Skip(1).Take(2).Select(r => r.Path));
        Assert.All(results.Skip(1).Take(2), r => Assert.Equal(t.Digests[0].End, r.DigestTime));
        Assert.All(results.Skip(1).Take(2), r => Assert.Equal(t.Digests[0].Path, r.DigestPath));
    }

    [Fact]
    public void Without_a_public_key_the_hashes_and_chain_are_checked_and_signatures_are_not()
    {
        ThreeHours();
        var (results, _, stats) = Validate();
        Assert.All(Logs(results), r => Assert.Equal(IntegrityStatus.Valid, r.Status));
        Assert.All(Digests(results), d => Assert.Equal(IntegrityStatus.SignatureNotChecked, d.Status));
        Assert.All(Digests(results), d => Assert.Contains("no public key given", d.Reason));
        Assert.Equal(0, stats.IntegrityFailures);
        Assert.Equal(3, stats.Problems);
    }

    [Fact]
    public void Newest_digest_without_its_saved_signature_is_not_checked_and_the_older_ones_are_verified_by_the_next_digest()
    {
        var (b, t) = ThreeHours();
        File.Delete(t.Digests[^1].Path + CloudTrailDigestValidator.SignatureSuffix);
        var digests = Digests(Validate(new[] { b.PublicKey }).Results);
        Assert.Equal(new[] { IntegrityStatus.Valid, IntegrityStatus.Valid, IntegrityStatus.SignatureNotChecked }, digests.Select(d => d.Status));
        Assert.Contains("x-amz-meta-signature", digests[2].Reason);
        Assert.Contains("recorded by the next digest", digests[0].Reason);
    }

    [Fact]
    public void Signature_saved_as_head_object_output_is_read()
    {
        var (b, t) = ThreeHours();
        File.WriteAllText(t.Digests[^1].Path + ".signature",
            "{\"AcceptRanges\":\"bytes\",\"ContentLength\":512,\"Metadata\":{\"signature\":\"" + t.Digests[^1].Signature + "\",\"signature-algorithm\":\"SHA256withRSA\"}}");
        var digests = Digests(Validate(new[] { b.PublicKey }).Results);
        Assert.Equal(DigestSignatureStatus.Valid, digests[2].SignatureStatus);
    }

    [Fact]
    public void Tampered_log_file_is_Modified_and_names_both_hashes()
    {
        var (b, t) = ThreeHours();
        string victim = t.LocalPath(t.Digests[1].LogFiles[0]);
        File.WriteAllBytes(victim, RepoPaths.Gzip(Encoding.UTF8.GetBytes(t.LogFileJson(Hour0, 2)))); // one record fewer, same name

        var (results, _, stats) = Validate(new[] { b.PublicKey });
        var modified = Assert.Single(results, r => r.Status != IntegrityStatus.Valid);
        Assert.Equal((IntegrityStatus.Modified, IntegrityItemKind.LogFile, victim), (modified.Status, modified.Kind, modified.Path));
        Assert.NotEqual(modified.ExpectedHash, modified.ActualHash);
        Assert.Contains(modified.ActualHash!, modified.Reason);
        Assert.Contains(modified.ExpectedHash!, modified.Reason);
        Assert.Equal(t.Digests[1].LogFiles[0], modified.S3Key);
        Assert.Equal(1, stats.LogFilesWith(IntegrityStatus.Modified));
    }

    [Fact]
    public void Deleted_log_file_is_Missing_where_it_should_be()
    {
        var (b, t) = ThreeHours();
        string victim = t.LocalPath(t.Digests[0].LogFiles[1]);
        File.Delete(victim);
        var results = Validate(new[] { b.PublicKey }).Results;
        var missing = Assert.Single(results, r => r.Status != IntegrityStatus.Valid);
        Assert.Equal((IntegrityStatus.Missing, IntegrityItemKind.LogFile, victim), (missing.Status, missing.Kind, missing.Path));
        Assert.Contains("not on disk", missing.Reason);
    }

    [Fact]
    public void Added_log_file_is_NotInDigest_in_a_covered_hour_and_NotCovered_after_the_newest_digest()
    {
        var (b, t) = ThreeHours();
        string added = t.LocalPath(t.WriteLogFile(Hour0.AddMinutes(30)));      // inside the second digest's hour
        string later = t.LocalPath(t.WriteLogFile(Hour0.AddHours(2).AddMinutes(20))); // after the newest digest's end
        var results = Validate(new[] { b.PublicKey }).Results;
        var odd = results.Where(r => r.Status != IntegrityStatus.Valid).OrderBy(r => r.Status).ToList();
        Assert.Equal(2, odd.Count);
        Assert.Equal((IntegrityStatus.NotInDigest, added), (odd[0].Status, odd[0].Path));
        Assert.Equal((IntegrityStatus.NotCovered, later), (odd[1].Status, odd[1].Path));
        Assert.Equal("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/" + Path.GetFileName(added), odd[0].S3Key);
        Assert.Equal(Hour0.AddMinutes(30).AddSeconds(-31), odd[0].FileTime);
    }

    [Fact]
    public void Deleted_digest_breaks_the_chain_and_is_reported_Missing()
    {
        var (b, t) = ThreeHours();
        File.Delete(t.Digests[1].Path);
        var (results, _, _) = Validate(new[] { b.PublicKey });
        var digests = Digests(results);
        var missing = Assert.Single(digests, d => d.Status == IntegrityStatus.Missing);
        Assert.Equal(t.Digests[1].S3Key, missing.S3Key);
        Assert.Equal(t.Digests[1].Path, missing.Path);
        var third = Assert.Single(digests, d => d.Path == t.Digests[2].Path);
        Assert.Equal((IntegrityStatus.ChainBroken, DigestChainStatus.ChainBroken), (third.Status, third.ChainStatus));
        Assert.Contains("is missing", third.Reason);
        // The deleted digest's hour is no longer covered: its log files cannot be checked.
        Assert.All(t.Digests[1].LogFiles, k => Assert.Equal(IntegrityStatus.NotCovered, Assert.Single(results, r => r.Path == t.LocalPath(k)).Status));
    }

    [Fact]
    public void Altered_digest_breaks_the_chain_after_it_and_its_signature_no_longer_verifies()
    {
        var (b, t) = ThreeHours();
        // Drop the second log file from the middle digest, as someone hiding that file would.
        var d1 = t.Digests[1];
        string json = Encoding.UTF8.GetString(CloudTrailTreeBuilder.Gunzip(File.ReadAllBytes(d1.Path)));
        int at = json.IndexOf(",{\"s3Bucket\"", StringComparison.Ordinal);
        string altered = json.Substring(0, at) + "]}";
        File.WriteAllBytes(d1.Path, RepoPaths.Gzip(Encoding.UTF8.GetBytes(altered)));

        var results = Validate(new[] { b.PublicKey }).Results;
        var digests = Digests(results);
        Assert.Equal((IntegrityStatus.InvalidSignature, DigestSignatureStatus.Invalid), (digests[1].Status, digests[1].SignatureStatus));
        Assert.Equal((IntegrityStatus.ChainBroken, DigestChainStatus.ChainBroken), (digests[2].Status, digests[2].ChainStatus));
        Assert.Contains("was changed after this digest was written", digests[2].Reason);
        Assert.Equal(IntegrityStatus.NotInDigest, Assert.Single(results, r => r.Path == t.LocalPath(d1.LogFiles[1])).Status);
    }

    [Fact]
    public void A_key_that_is_not_the_signing_key_gives_KeyNotFound()
    {
        ThreeHours();
        using var other = RSA.Create(2048);
        var digests = Digests(Validate(new[] { CloudTrailPublicKey.FromDer(other.ExportRSAPublicKey()) }).Results);
        Assert.All(digests, d => Assert.Equal(IntegrityStatus.KeyNotFound, d.Status));
        Assert.All(digests, d => Assert.Contains("not among the public keys given", d.Reason));
    }

    [Fact]
    public void A_different_key_under_the_signing_key_fingerprint_gives_InvalidSignature()
    {
        var (b, _) = ThreeHours();
        using var other = RSA.Create(2048);
        var impostor = CloudTrailPublicKey.FromDer(other.ExportRSAPublicKey(), b.Fingerprint);
        var digests = Digests(Validate(new[] { impostor }).Results);
        Assert.All(digests, d => Assert.Equal(IntegrityStatus.InvalidSignature, d.Status));
    }

    [Fact]
    public void Truncated_log_file_is_Unreadable_with_the_place_and_the_others_are_still_checked()
    {
        var (b, t) = ThreeHours();
        string victim = t.LocalPath(t.Digests[0].LogFiles[0]);
        byte[] gz = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, gz.AsSpan(0, gz.Length - 12).ToArray());

        var (results, host, _) = Validate(new[] { b.PublicKey });
        var bad = Assert.Single(results, r => r.Status != IntegrityStatus.Valid);
        Assert.Equal((IntegrityStatus.Unreadable, victim), (bad.Status, bad.Path));
        Assert.Contains("truncated", bad.Reason);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(victim, issue.File);
        Assert.Contains(issue.Kind, new[] { ReadIssueKind.Truncated, ReadIssueKind.CorruptCompression });
        Assert.Equal(5, Logs(results).Count(r => r.Status == IntegrityStatus.Valid));
    }

    [Fact]
    public void Digest_that_is_not_json_or_is_truncated_is_reported_and_the_rest_validated()
    {
        var (b, t) = ThreeHours();
        File.WriteAllBytes(t.Digests[0].Path, RepoPaths.Gzip(Encoding.UTF8.GetBytes("not json")));
        byte[] gz = File.ReadAllBytes(t.Digests[2].Path);
        File.WriteAllBytes(t.Digests[2].Path, gz.AsSpan(0, gz.Length / 2).ToArray());

        var (results, host, _) = Validate(new[] { b.PublicKey });
        var digests = Digests(results);
        Assert.Equal(new[] { IntegrityStatus.Unreadable, IntegrityStatus.ChainBroken, IntegrityStatus.Unreadable }, digests.Select(d => d.Status));
        Assert.Contains("not valid JSON", digests[0].Reason);
        Assert.Equal(2, host.Issues.Count);
        // The middle digest's log files are still checked.
        Assert.All(t.Digests[1].LogFiles, k => Assert.Equal(IntegrityStatus.Valid, Assert.Single(results, r => r.Path == t.LocalPath(k)).Status));
    }

    [Fact]
    public void First_digest_of_a_chain_and_a_restarted_chain_are_chain_starts_and_the_gap_is_named()
    {
        var b = Builder();
        var t = b.AddTrail(Account, "us-east-1");
        t.AddHour(Hour0);
        t.AddHour(Hour0.AddHours(5), startsChain: true); // validation off for four hours
        t.WriteNewestSignatureSidecar();
        var digests = Digests(Validate(new[] { b.PublicKey }).Results);
        Assert.All(digests, d => Assert.Equal(DigestChainStatus.ChainStart, d.ChainStatus));
        // The last digest before the gap ends its chain: no digest records its signature.
        Assert.Equal(new[] { IntegrityStatus.SignatureNotChecked, IntegrityStatus.Valid }, digests.Select(d => d.Status));
        Assert.Contains("newest digest of its chain", digests[0].Reason);
        Assert.Contains("log file validation or logging started here", digests[0].Reason);
        Assert.Contains("was off between 2026-11-02 09:01:31 and 2026-11-02 13:01:31", digests[1].Reason);
    }

    [Fact]
    public void Empty_digests_are_valid_and_a_file_added_in_their_hour_is_NotInDigest()
    {
        var b = Builder();
        var t = b.AddTrail(Account, "us-east-1");
        t.AddHour(Hour0);
        var empty = t.AddHour(Hour0.AddHours(1), logFiles: 0);
        t.AddHour(Hour0.AddHours(2));
        t.WriteNewestSignatureSidecar();
        string added = t.LocalPath(t.WriteLogFile(Hour0.AddMinutes(20)));

        var results = Validate(new[] { b.PublicKey }).Results;
        var d = Assert.Single(Digests(results), x => x.Path == empty.Path);
        Assert.Equal(IntegrityStatus.Valid, d.Status);
        Assert.Contains("listing 0 log file(s)", d.Reason);
        Assert.Equal(IntegrityStatus.NotInDigest, Assert.Single(results, r => r.Path == added).Status);
        Assert.Equal(4, Logs(results).Count(r => r.Status == IntegrityStatus.Valid));
    }

    [Fact]
    public void Organization_trail_with_two_accounts_and_two_regions_is_checked_per_account_and_region()
    {
        var b = Builder(prefix: "org-trail");
        var trails = new[]
        {
            b.AddTrail("111122223333", "us-east-1", "org-trail", "o-a1b2c3d4e5"),
            b.AddTrail("111122223333", "eu-west-1", "org-trail", "o-a1b2c3d4e5"),
            b.AddTrail("444455556666", "us-east-1", "org-trail", "o-a1b2c3d4e5"),
            b.AddTrail("444455556666", "eu-west-1", "org-trail", "o-a1b2c3d4e5"),
        };
        foreach (var t in trails)
        {
            t.AddHour(Hour0);
            t.AddHour(Hour0.AddHours(1));
            t.WriteNewestSignatureSidecar();
        }
        File.Delete(trails[3].LocalPath(trails[3].Digests[0].LogFiles[0]));

        var (results, _, stats) = Validate(new[] { b.PublicKey });
        Assert.Equal(4, stats.Groups);
        Assert.Equal(8, Digests(results).Count);
        Assert.All(Digests(results), d => Assert.Equal(IntegrityStatus.Valid, d.Status));
        Assert.Equal(16, Logs(results).Count);
        var missing = Assert.Single(results, r => r.Status != IntegrityStatus.Valid);
        Assert.Equal(("444455556666", "eu-west-1", IntegrityStatus.Missing), (missing.Account, missing.Region, missing.Status));
        Assert.StartsWith("org-trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/", missing.S3Key);
        foreach (var t in trails)
        {
            Assert.Equal(6, results.Count(r => r.Account == t.Account && r.Region == t.Region));
        }
    }

    [Fact]
    public void A_region_folder_given_alone_checks_only_that_account_and_region()
    {
        var b = Builder();
        var east = b.AddTrail(Account, "us-east-1");
        var west = b.AddTrail(Account, "eu-west-1");
        east.AddHour(Hour0);
        west.AddHour(Hour0);
        var results = Validate(path: Path.Combine(west.AccountDir, "CloudTrail-Digest", "eu-west-1")).Results;
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal("eu-west-1", r.Region));
    }

    [Fact]
    public void Time_window_checks_the_digests_that_end_in_it_and_their_log_files()
    {
        var b = Builder();
        var t = b.AddTrail(Account, "us-east-1");
        for (int h = 0; h < 6; h++) t.AddHour(Hour0.AddHours(h));
        var results = Validate(new[] { b.PublicKey }, new TimeWindow(Hour0.AddHours(2).AddMinutes(-30), Hour0.AddHours(3).AddMinutes(-30))).Results;
        // The digest ending 11:01:31 ends in the window; the one ending 12:01:31 covers its last half hour.
        Assert.Equal(t.Digests.Skip(2).Take(2).Select(d => d.Path), Digests(results).Select(d => d.Path));
        Assert.Equal(4, Logs(results).Count);
        Assert.All(results, r => Assert.Equal(IntegrityStatus.Valid, r.Status));
    }

    [Fact]
    public void Digest_renamed_to_another_hour_is_Moved()
    {
        var (b, t) = ThreeHours();
        string renamed = t.Digests[2].Path.Replace("T110131Z", "T113131Z", StringComparison.Ordinal);
        File.Move(t.Digests[2].Path, renamed);
        File.Move(t.Digests[2].Path + ".signature", renamed + ".signature");
        var d = Assert.Single(Digests(Validate(new[] { b.PublicKey }).Results), x => x.Path == renamed);
        Assert.Equal(IntegrityStatus.Moved, d.Status);
        Assert.Contains("moved or renamed", d.Reason);
    }

    [Fact]
    public void Bucket_prefix_in_the_keys_maps_to_the_local_AWSLogs_tree()
    {
        var (b, t) = ThreeHours(prefix: "cases/acme");
        Assert.StartsWith("cases/acme/AWSLogs/", t.Digests[0].S3Key);
        var (results, host, _) = Validate(new[] { b.PublicKey }, path: _root);
        Assert.Empty(host.Issues);
        Assert.Equal(9, results.Count);
        Assert.All(results, r => Assert.Equal(IntegrityStatus.Valid, r.Status));
    }

    [Fact]
    public void File_in_a_digest_folder_that_is_not_a_digest_is_Unreadable()
    {
        var (b, t) = ThreeHours();
        string stray = Path.Combine(Path.GetDirectoryName(t.Digests[0].Path)!, "notes.json.gz");
        File.WriteAllText(stray, "x");
        var (results, host, _) = Validate(new[] { b.PublicKey });
        Assert.Equal(IntegrityStatus.Unreadable, Assert.Single(results, r => r.Path == stray).Status);
        Assert.Single(host.Issues);
    }

    [Fact]
    public void Share_reader_skips_the_digests_of_a_real_shaped_tree_quietly()
    {
        ThreeHours();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(_root, "AWSLogs") }, TestContext.Current.CancellationToken).ToList();
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(6, reader.Statistics.FilesRead);
    }

    [Fact]
    public void Share_reader_skips_digest_folders_and_files_named_directly()
    {
        var (_, t) = ThreeHours();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        string digestFolder = Path.Combine(t.AccountDir, "CloudTrail-Digest");
        var given = new[] { digestFolder, t.Digests[0].Path, Path.Combine(t.AccountDir, "CloudTrail") }; // as Get-ChildItem or a wildcard gives them
        Assert.Empty(reader.Read(given, TestContext.Current.CancellationToken).ToList());
        Assert.Empty(host.Issues);
        Assert.Equal(6, reader.Statistics.FilesRead);
        Assert.Equal(2, host.VerboseMessages.Count(m => m.Contains("it is in a CloudTrail-Digest folder", StringComparison.Ordinal)));
    }

    [Fact]
    public void Log_files_without_any_digest_are_named_once_not_judged_one_by_one()
    {
        var b = Builder();
        var t = b.AddTrail(Account, "us-east-1");
        t.WriteLogFile(Hour0);
        t.WriteLogFile(Hour0.AddMinutes(5));
        var (results, host, stats) = Validate();
        Assert.Empty(results);
        Assert.Empty(host.Issues);
        Assert.Equal(Path.Combine(t.AccountDir, "CloudTrail", "us-east-1"), Assert.Single(stats.FoldersWithoutDigests));
        Assert.Equal(0, stats.Digests);
    }

    [Fact]
    public void Cancellation_stops_the_check()
    {
        ThreeHours();
        using var cts = new CancellationTokenSource();
        var v = new CloudTrailDigestValidator(new CollectingScanHost());
        using var e = v.Validate(new[] { _root }, cts.Token).GetEnumerator();
        Assert.True(e.MoveNext());
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => { while (e.MoveNext()) { } });
    }

    [Fact]
    public void Backfill_digest_vouches_for_a_late_log_file_and_stays_out_of_the_chain()
    {
        var (b, t) = ThreeHours();
        string late = t.WriteLogFile(Hour0.AddMinutes(40));
        var backfill = t.WriteDigest(Hour0, Hour0.AddHours(1), new List<string> { late }, backfill: true);
        File.WriteAllText(backfill.Path + CloudTrailDigestValidator.SignatureSuffix, backfill.Signature);

        var results = Validate(new[] { b.PublicKey }).Results;
        Assert.All(results, r => Assert.Equal(IntegrityStatus.Valid, r.Status));
        var d = Assert.Single(Digests(results), x => x.Path == backfill.Path);
        Assert.Equal((DigestChainStatus.ChainStart, DigestSignatureStatus.Valid), (d.ChainStatus, d.SignatureStatus));
        Assert.Contains("backfill digest", d.Reason);
        Assert.Equal(backfill.Path, Assert.Single(results, r => r.Path == t.LocalPath(late)).DigestPath);
        // The hourly chain is untouched by it.
        Assert.Equal(DigestChainStatus.Valid, Assert.Single(Digests(results), x => x.Path == t.Digests[2].Path).ChainStatus);
    }

    [Fact]
    public void Log_files_are_hashed_as_a_stream_of_their_uncompressed_content()
    {
        string file = Path.Combine(_root, "big.json.gz");
        var data = new byte[3 << 20];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(file, RepoPaths.Gzip(data));
        var v = new CloudTrailDigestValidator(new CollectingScanHost());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), v.HashUncompressed(file, TestContext.Current.CancellationToken));
        Assert.Equal(data.Length, v.Statistics.BytesHashed);
    }
}
