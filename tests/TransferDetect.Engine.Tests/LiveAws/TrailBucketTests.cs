using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>CloudTrail log files straight from an (organization) trail bucket through AWSSDK.S3 against a loopback fake.</summary>
public class TrailBucketTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;
    private const string Org = "AWSLogs/o-aa11bb22cc/";

    private static string Key(string account, string region, string day, string name) =>
        $"{Org}{account}/CloudTrail/{region}/{day}/{account}_CloudTrail_{region}_{day.Replace("/", "")}T1000Z_{name}";

    private static FakeAwsState State()
    {
        var state = new FakeAwsState();
        state.Buckets.Add(new("org-trail", "us-east-1"));
        var us = CloudTrailJson.SnapshotShare("add", "{\"userId\":\"999988887777\"}");
        us["eventTime"] = "2026-11-20T09:55:00Z";
        state.Objects["org-trail/" + Key("111122223333", "us-east-1", "2026/11/20", "a.json.gz")] = CloudTrailJson.Gzip(CloudTrailJson.Delivery(us));
        var eu = CloudTrailJson.ImageShare("add", "{\"group\":\"all\"}");
        eu["awsRegion"] = "eu-west-1";
        eu["eventTime"] = "2026-11-21T08:00:00Z";
        state.Objects["org-trail/" + Key("444455556666", "eu-west-1", "2026/11/21", "b.json")] = Encoding.UTF8.GetBytes(CloudTrailJson.Delivery(eu));
        var old = CloudTrailJson.SnapshotShare("add", "{\"userId\":\"123412341234\"}");
        old["eventTime"] = "2026-10-01T08:00:00Z";
        state.Objects["org-trail/" + Key("111122223333", "us-east-1", "2026/10/01", "old.json.gz")] = CloudTrailJson.Gzip(CloudTrailJson.Delivery(old));
        state.Objects["org-trail/AWSLogs/o-aa11bb22cc/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/digest.json.gz"] = CloudTrailJson.Gzip("{}");
        return state;
    }

    private static ShareLogReaderOptions Window() => new() { Window = new TimeWindow(new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc)) };

    [Fact]
    public async Task Accounts_and_regions_of_an_organization_trail_are_found_and_only_the_window_days_are_read()
    {
        var state = State();
        await using var server = await FakeAwsServer.StartAsync(state.Handle);
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
        var events = session.TrailBucket("org-trail", null, null, Window(), Token).ToList();

        Assert.Empty(host.Issues);
        Assert.True(events.Count == 2, string.Join("\n", events.Select(e => e.Source + " " + e.Grantee).Concat(server.Requests.Select(r => r.Operation + " " + r.Path + r.Query)).Concat(host.VerboseMessages)));
        Assert.Equal("s3://org-trail/" + Key("111122223333", "us-east-1", "2026/11/20", "a.json.gz"), events[0].Source!.File);
        Assert.Equal("999988887777", events[0].Grantee);
        Assert.Equal(("eu-west-1", "all"), (events[1].Region, events[1].Grantee));
        var gets = server.Requests.Where(r => r.Operation == "GetObject").Select(r => r.Path).ToList();
        Assert.Equal(2, gets.Count);
        Assert.DoesNotContain(gets, p => p.Contains("2026/10/01") || p.Contains("Digest"));
        // Day prefixes of the window only: 15 to 24 November (a file lands up to a day late), per account and region.
        Assert.DoesNotContain(server.Requests, r => r.Operation == "ListObjectsV2" && r.Query.Contains("2026%2F10"));
    }

    [Fact]
    public async Task Region_filter_skips_the_other_region_folders()
    {
        var state = State();
        await using var server = await FakeAwsServer.StartAsync(state.Handle);
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
        var options = Window();
        options.Regions = new[] { "eu-west-1" };
        var events = session.TrailBucket("org-trail", null, null, options, Token).ToList();
        Assert.Equal("eu-west-1", Assert.Single(events).Region);
        Assert.Single(server.Requests, r => r.Operation == "GetObject");
    }

    [Fact]
    public async Task Destination_keeps_evidence_copies_in_the_key_tree()
    {
        var state = State();
        await using var server = await FakeAwsServer.StartAsync(state.Handle);
        var host = new CollectingScanHost();
        string destination = Directory.CreateTempSubdirectory("td-evidence-").FullName;
        try
        {
            using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
            var events = session.TrailBucket("org-trail", null, destination, Window(), Token).ToList();
            Assert.Equal(2, events.Count);
            string copy = Path.Combine(destination, Key("111122223333", "us-east-1", "2026/11/20", "a.json.gz").Replace('/', Path.DirectorySeparatorChar));
            Assert.True(File.Exists(copy));
            Assert.Equal(state.Objects["org-trail/" + Key("111122223333", "us-east-1", "2026/11/20", "a.json.gz")], File.ReadAllBytes(copy));
            // The copy is a tree the file reader reads again.
            var again = new ShareLogReader(new CollectingScanHost()).Read(new[] { destination }, Token).ToList();
            Assert.Equal(2, again.Count);
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Fact]
    public async Task A_key_with_dot_dot_parts_is_never_written_outside_the_destination()
    {
        var state = State();
        string evil = Org + "111122223333/CloudTrail/us-east-1/2026/11/20/../../../../../../../../../escaped.json";
        var sneaky = CloudTrailJson.SnapshotShare("add", "{\"userId\":\"555566667777\"}");
        sneaky["eventTime"] = "2026-11-20T09:00:00Z";
        state.Objects["org-trail/" + evil] = Encoding.UTF8.GetBytes(CloudTrailJson.Delivery(sneaky));
        await using var server = await FakeAwsServer.StartAsync(state.Handle);
        var host = new CollectingScanHost();
        string parent = Directory.CreateTempSubdirectory("td-parent-").FullName;
        string destination = Path.Combine(parent, "evidence");
        try
        {
            using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
            var events = session.TrailBucket("org-trail", null, destination, Window(), Token).ToList();
            // Kestrel removes dot segments from request paths, so the fake cannot serve this key (a second issue says the
            // download failed); what matters is that no copy of it is written anywhere but the temporary file.
            var issue = Assert.Single(host.Issues, i => i.Kind == ReadIssueKind.UnexpectedContent);
            Assert.EndsWith("escaped.json", issue.File);
            Assert.Contains("outside the destination", issue.Message);
            Assert.DoesNotContain(Directory.EnumerateFiles(parent, "*", SearchOption.AllDirectories), f => f.EndsWith("escaped.json"));
            Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escaped.json")));
            Assert.Contains(events, e => e.Grantee == "999988887777");
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Theory]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/2026/11/20/f.json.gz", true)]
    [InlineData("AWSLogs/../../etc/passwd", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("AWSLogs//f.json", false)]
    [InlineData("AWSLogs/./f.json", false)]
    [InlineData("AWSLogs/a\\..\\..\\f.json", false)]
    [InlineData("C:/Windows/f.json", false)]
    [InlineData("AWSLogs/...", false)]
    public void Evidence_paths_stay_under_the_destination(string key, bool allowed)
    {
        string destination = Path.Combine(Path.GetTempPath(), "td-dest");
        string? path = TrailBucketPaths.Under(destination, key);
        Assert.Equal(allowed, path != null);
        if (path != null) Assert.StartsWith(Path.GetFullPath(destination) + Path.DirectorySeparatorChar, path);
    }
}
