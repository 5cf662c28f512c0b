using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

public class GzipAndFileTests
{
    private static string ManyShares(int n) =>
        Delivery(Enumerable.Range(0, n).Select(i => SnapshotShare("add", $$"""{"userId":"{{444455550000 + i}}"}""")).ToArray());

    [Fact]
    public void Gzip_file_is_detected_by_content_not_name()
    {
        var (events, host, reader) = ReadFile("logs.json", Gzip(ManyShares(3)));
        Assert.Equal(3, events.Count);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.FilesRead);
    }

    [Fact]
    public void Truncated_gzip_keeps_the_records_before_the_cut_and_reports_it()
    {
        byte[] whole = Gzip(ManyShares(2000));
        byte[] cut = whole.Take(whole.Length * 2 / 3).ToArray();
        var (events, host, _) = ReadFile("cut.json.gz", cut);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.Truncated, issue.Kind);
        Assert.Contains("cut.json.gz", issue.Message);
        Assert.Contains("truncated", issue.Message);
        Assert.InRange(events.Count, 1, 1999);
    }

    [Fact]
    public void Gzip_cut_exactly_at_a_record_boundary_is_still_reported()
    {
        // A stream that ends cleanly in the decompressed text but lacks its trailer: GZipStream alone says nothing.
        byte[] whole = Gzip(Lines(SnapshotShare("add", """{"userId":"444455556666"}""")));
        byte[] noTrailer = whole.Take(whole.Length - 8).ToArray();
        var (events, host, _) = ReadFile("notrailer.json.gz", noTrailer);
        Assert.Equal(ReadIssueKind.Truncated, Assert.Single(host.Issues).Kind);
        Assert.Single(events);
    }

    [Theory]
    [InlineData(8, "CRC-32")]
    [InlineData(4, "length")]
    public void Gzip_whose_trailer_does_not_match_its_complete_data_is_reported(int fromEnd, string field)
    {
        // The reader leaves the CRC-32 to zlib on .NET 8+: this pins that a wrong trailer still fails the file.
        byte[] data = Gzip(ManyShares(50));
        data[^fromEnd] ^= 0x01;
        var (events, host, _) = ReadFile("badtrailer.json.gz", data);
        var issue = Assert.Single(host.Issues);
        Assert.True(issue.Kind is ReadIssueKind.CorruptCompression or ReadIssueKind.Truncated, $"{field}: {issue.Kind}");
        Assert.Contains("badtrailer.json.gz", issue.Message);
        Assert.InRange(events.Count, 0, 50);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Gzip_cut_inside_its_trailer_is_reported_as_truncated(int cut)
    {
        byte[] whole = Gzip(ManyShares(50));
        var (events, host, _) = ReadFile("cuttrailer.json.gz", whole.Take(whole.Length - cut).ToArray());
        Assert.Equal(ReadIssueKind.Truncated, Assert.Single(host.Issues).Kind);
        Assert.Equal(50, events.Count);
    }

    [Fact]
    public void Damaged_gzip_data_is_reported_not_thrown()
    {
        byte[] data = Gzip(ManyShares(200));
        for (int i = 40; i < 80; i++) data[i] ^= 0x5A;
        var (_, host, _) = ReadFile("damaged.json.gz", data);
        // Damaged deflate data can inflate to garbage before it fails: each bad record is reported,
        // then the stream failure itself, and every report names the file.
        Assert.NotEmpty(host.Issues);
        Assert.All(host.Issues, i => Assert.Contains("damaged.json.gz", i.Message));
        Assert.Contains(host.Issues[^1].Kind, new[] { ReadIssueKind.CorruptCompression, ReadIssueKind.Truncated });
    }

    [Fact]
    public void Missing_path_is_reported_and_the_other_paths_read()
    {
        string dir = RepoPaths.NewTempDirectory();
        string good = Path.Combine(dir, "good.json");
        File.WriteAllText(good, ManyShares(1));
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(dir, "missing.json"), good }, TestContext.Current.CancellationToken).ToList();
        Assert.Single(events);
        Assert.Equal(ReadIssueKind.FileUnreadable, Assert.Single(host.Issues).Kind);
    }

    [Fact]
    public void Tree_walk_reads_log_files_in_order_and_skips_digests_and_other_files()
    {
        string root = RepoPaths.NewTempDirectory();
        string day = Path.Combine(root, "AWSLogs", Owner, "CloudTrail", "us-east-1", "2024", "08", "01");
        Directory.CreateDirectory(day);
        File.WriteAllBytes(Path.Combine(day, $"{Owner}_CloudTrail_us-east-1_20240801T1205Z_b.json.gz"), Gzip(ManyShares(2)));
        File.WriteAllText(Path.Combine(day, $"{Owner}_CloudTrail_us-east-1_20240801T1200Z_a.json"), ManyShares(1));
        File.WriteAllText(Path.Combine(day, "notes.txt"), "not a log");
        string digest = Path.Combine(root, "AWSLogs", Owner, "CloudTrail-Digest", "us-east-1", "2024", "08", "01");
        Directory.CreateDirectory(digest);
        File.WriteAllText(Path.Combine(digest, "digest.json.gz"), "{\"digestStartTime\":\"x\"}");

        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { root }, TestContext.Current.CancellationToken).ToList();

        Assert.Equal(3, events.Count);
        Assert.EndsWith("_a.json", events[0].Source!.File);
        Assert.EndsWith("_b.json.gz", events[2].Source!.File);
        Assert.Empty(host.Issues);
        Assert.Equal(2, reader.Statistics.FilesRead);
        Assert.Equal(1, reader.Statistics.FilesSkippedByName);
    }

    [Fact]
    public void Time_window_prunes_dated_folders_that_cannot_hold_it()
    {
        string root = RepoPaths.NewTempDirectory();
        foreach (var (y, m, d) in new[] { ("2024", "07", "30"), ("2024", "08", "01"), ("2024", "08", "02"), ("2024", "08", "03"), ("2023", "12", "31") })
        {
            string dir = Path.Combine(root, "AWSLogs", Owner, "CloudTrail", "eu-west-1", y, m, d);
            Directory.CreateDirectory(dir);
            var rec = SnapshotShare("add", """{"userId":"444455556666"}""");
            rec["eventTime"] = $"{y}-{m}-{d}T00:05:00Z";
            File.WriteAllText(Path.Combine(dir, "f.json"), Delivery(rec));
        }
        var options = new ShareLogReaderOptions
        {
            Window = new TimeWindow(new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 8, 1, 23, 59, 59, DateTimeKind.Utc)),
        };
        var reader = new ShareLogReader(new CollectingScanHost(), options);
        var events = reader.Read(new[] { root }, TestContext.Current.CancellationToken).ToList();

        Assert.Equal(new DateTime(2024, 8, 1, 0, 5, 0, DateTimeKind.Utc), Assert.Single(events).EventTime);
        // 08/02 may hold events of 08/01 delivered after midnight, so it is read (and filtered by time).
        Assert.Equal(2, reader.Statistics.FilesRead);
        Assert.Equal(1, reader.Statistics.OutsideTimeWindow);
        // 2023 (year folder), 07 (month folder) and 08/03 (day folder) are never opened.
        Assert.Equal(3, reader.Statistics.DirectoriesPrunedByDate);
    }

    [Theory]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/2024", "2024-01-01", "2024-12-31")]
    [InlineData("AWSLogs/o-abc/1/CloudTrail/us-east-1/2024/02", "2024-02-01", "2024-02-29")]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/2024/08/01", "2024-08-01", "2024-08-01")]
    public void Dated_folders_of_a_CloudTrail_tree_cover_their_days(string path, string first, string last)
    {
        Assert.True(InputFiles.TryGetDeliveryDays(path.Replace('/', Path.DirectorySeparatorChar), out var f, out var l));
        Assert.Equal(DateTime.Parse(first), f);
        Assert.Equal(DateTime.Parse(last), l);
    }

    [Theory]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1")]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/2024/13")]
    [InlineData("exports/2024/08/01")]
    public void Folders_that_are_not_dated_CloudTrail_folders_are_never_pruned(string path)
    {
        Assert.False(InputFiles.TryGetDeliveryDays(path.Replace('/', Path.DirectorySeparatorChar), out _, out _));
    }

    [Fact]
    public void Utf8_bom_and_crlf_files_read_like_plain_ones()
    {
        string text = "\uFEFF" + Lines(SnapshotShare("add", """{"userId":"444455556666"}"""), Background()).Replace("\n", "\r\n");
        var (events, host, _) = ReadFile("bom.jsonl", Encoding.UTF8.GetBytes(text));
        Assert.Single(events);
        Assert.Empty(host.Issues);
    }
}

public class FilterTests
{
    private static string Tree()
    {
        string root = RepoPaths.NewTempDirectory();
        foreach (var region in new[] { "us-east-1", "eu-west-1" })
        {
            string dir = Path.Combine(root, "AWSLogs", Owner, "CloudTrail", region, "2024", "08", "01");
            Directory.CreateDirectory(dir);
            var snap = SnapshotShare("add", """{"userId":"444455556666"}""");
            snap["awsRegion"] = region;
            var image = ImageShare("add", """{"userId":"444455556666"}""");
            image["awsRegion"] = region;
            File.WriteAllText(Path.Combine(dir, "f.json"), Delivery(snap, image));
        }
        return root;
    }

    [Fact]
    public void Region_filter_skips_other_region_folders_and_records()
    {
        string root = Tree();
        var loose = SnapshotShare("add", """{"userId":"444455556666"}""");
        loose["awsRegion"] = "us-east-1";
        File.WriteAllText(Path.Combine(root, "export.json"), Delivery(loose));
        var reader = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { Regions = new[] { "EU-WEST-1" } });
        var events = reader.Read(new[] { root }, TestContext.Current.CancellationToken).ToList();

        Assert.Equal(new[] { "eu-west-1", "eu-west-1" }, events.Select(e => e.Region));
        Assert.Equal(1, reader.Statistics.DirectoriesPrunedByRegion);
        Assert.Equal(1, reader.Statistics.OtherRegions);
        Assert.Equal(2, reader.Statistics.FilesRead);
    }

    [Fact]
    public void Operation_filter_keeps_only_the_named_operations()
    {
        var reader = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { Operations = new[] { "modifyimageattribute" } });
        var events = reader.Read(new[] { Tree() }, TestContext.Current.CancellationToken).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("ModifyImageAttribute", e.Operation));
    }

    [Fact]
    public void Unknown_operation_is_refused_with_the_list_of_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { Operations = new[] { "PutBucketLogging" } }));
        Assert.Contains("'PutBucketLogging' is not an operation this command reads", e.Message);
        Assert.Contains("ModifySnapshotAttribute", e.Message);
    }
}
