using System.IO.Compression;
using System.Text;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>Hostile and broken input: each is reported, the rest is read, nothing throws or grows without bound.</summary>
public class RobustnessTests
{
    [Fact]
    public void Invalid_utf8_in_a_share_record_is_reported_not_thrown()
    {
        string good = SnapshotShare("add", """{"userId":"444455556666"}""").ToJsonString();
        var broken = Encoding.UTF8.GetBytes(good.Replace("aws-cli/2.15.0", "aws-cli@@"));
        int at = Encoding.UTF8.GetString(broken).IndexOf("@@", StringComparison.Ordinal);
        broken[at] = 0xC3;      // a lead byte ...
        broken[at + 1] = 0x28;  // ... followed by '(' : not UTF-8
        byte[] text = broken.Concat(Encoding.UTF8.GetBytes("\n" + good + "\n")).ToArray();

        var (events, host, reader) = Read(text);

        Assert.Single(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(1, issue.Line);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void Deeply_nested_record_is_reported_not_thrown()
    {
        string deep = "{\"eventName\":\"ModifySnapshotAttribute\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        string good = SnapshotShare("add", """{"userId":"444455556666"}""").ToJsonString();
        var (events, host, _) = Read(deep + "\n" + good + "\n");
        Assert.Single(events);
        Assert.Equal(ReadIssueKind.InvalidRecord, Assert.Single(host.Issues).Kind);
    }

    [Fact]
    public void Fifty_megabyte_share_record_is_read_whole()
    {
        var big = SnapshotShare("add", """{"userId":"444455556666"}""");
        big["userAgent"] = new string('u', 50 << 20);
        var (events, host, _) = Read(Delivery(Background(), big, Background()));
        var e = Assert.Single(events);
        Assert.Equal(50 << 20, e.UserAgent!.Length);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Gzip_expanding_past_the_ratio_limit_is_stopped_and_reported()
    {
        // 1 GiB of spaces compresses to about 1 MB: far past any log's ratio.
        string dir = RepoPaths.NewTempDirectory();
        string path = Path.Combine(dir, "bomb.json.gz");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.SmallestSize))
        {
            gz.Write(Encoding.UTF8.GetBytes("{\"Records\":["));
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (int i = 0; i < 1024; i++) gz.Write(spaces);
            gz.Write(Encoding.UTF8.GetBytes("]}"));
        }
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, new ShareLogReaderOptions { MaxCompressionRatio = 100 });
        var events = reader.Read(new[] { path }, TestContext.Current.CancellationToken).ToList();

        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.CompressionRatioExceeded, issue.Kind);
        Assert.Contains("bomb.json.gz", issue.Message);
        Assert.InRange(reader.Statistics.BytesRead, 64L << 20, 512L << 20);
    }

    [Fact]
    public void Real_logs_are_far_below_the_default_ratio_limit()
    {
        // The densest real shape: the same record again and again.
        string text = Delivery(Enumerable.Range(0, 20000).Select(_ => Background()).ToArray());
        var (_, host, _) = ReadFile("dense.json.gz", Gzip(text));
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Folder_link_loop_is_not_followed()
    {
        string root = RepoPaths.NewTempDirectory();
        string inner = Path.Combine(root, "a");
        Directory.CreateDirectory(inner);
        File.WriteAllText(Path.Combine(inner, "x.json"), Delivery(SnapshotShare("add", """{"userId":"444455556666"}""")));
        Directory.CreateSymbolicLink(Path.Combine(inner, "loop"), root);

        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { root }, TestContext.Current.CancellationToken).ToList();

        Assert.Single(events);
        Assert.Equal(1, reader.Statistics.LinksNotFollowed);
        Assert.Empty(host.Issues);
    }
}
