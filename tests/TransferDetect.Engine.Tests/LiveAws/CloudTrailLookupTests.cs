using System.Diagnostics;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>LookupEvents through the SigV4 JSON 1.1 client against a loopback fake of CloudTrail.</summary>
public class CloudTrailLookupTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Share(string account, string time = "2026-11-20T10:00:00Z", string snapshot = "snap-0123456789abcdef0")
    {
        var r = CloudTrailJson.Record("ModifySnapshotAttribute", "ec2.amazonaws.com",
            "{\"snapshotId\":\"" + snapshot + "\",\"attributeType\":\"CREATE_VOLUME_PERMISSION\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"" + account + "\"}]}}}",
            time: time);
        return r;
    }

    private static async Task<(List<ShareEvent> Events, CollectingScanHost Host, FakeAwsServer Server)> Run(FakeCloudTrail trail, Action<AwsLiveOptions>? tune = null,
        ShareLogReaderOptions? reader = null, params string[] regions)
    {
        var server = await FakeAwsServer.StartAsync(trail.Handle);
        var options = LiveAwsFixture.Options(server, regions.Length == 0 ? new[] { "us-east-1" } : regions);
        tune?.Invoke(options);
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(options, host);
        var events = session.LookupEvents(reader ?? new ShareLogReaderOptions(), Token).ToList();
        return (events, host, server);
    }

    [Fact]
    public async Task Pages_through_NextToken_and_reads_every_event_through_the_same_interpreter()
    {
        var trail = new FakeCloudTrail();
        for (int i = 0; i < 120; i++) trail.Add("us-east-1", Share((999900000000L + i).ToString(), $"2026-11-20T10:{i / 60:D2}:{i % 60:D2}Z"));
        var (events, host, server) = await Run(trail, o => o.Regions = new[] { "us-east-1" }, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute" } });
        await using var _ = server;

        Assert.Equal(120, events.Count);
        Assert.Equal(120, events.Select(e => e.Grantee).Distinct().Count());
        Assert.All(events, e => Assert.Equal("ModifySnapshotAttribute", e.Operation));
        Assert.All(events, e => Assert.StartsWith("LookupEvents us-east-1", e.Source!.File));
        Assert.Empty(host.Issues);
        var calls = server.Requests.ToList();
        Assert.Equal(3, calls.Count);
        Assert.DoesNotContain("NextToken", calls[0].BodyText);
        Assert.Contains("\"NextToken\":\"tok-50\"", calls[1].BodyText);
        Assert.Contains("\"NextToken\":\"tok-100\"", calls[2].BodyText);
        Assert.All(calls, c => Assert.Contains("{\"AttributeKey\":\"EventName\",\"AttributeValue\":\"ModifySnapshotAttribute\"}", c.BodyText));
    }

    [Fact]
    public async Task Requests_are_json_1_1_and_signed_as_sent()
    {
        var trail = new FakeCloudTrail();
        trail.Add("eu-west-1", Share("999988887777"));
        var (events, _, server) = await Run(trail, null, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute" } }, "eu-west-1");
        await using var _s = server;
        var call = Assert.Single(server.Requests);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/", call.Path);
        Assert.Equal("application/x-amz-json-1.1", call.Header("content-type"));
        Assert.Equal("CloudTrail_20131101.LookupEvents", call.Header("x-amz-target"));
        Assert.Equal(LiveAwsFixture.SessionToken, call.Header("x-amz-security-token"));
        // The signature the fake recomputes from what arrived (Host with its port, the body as sent) is the one sent.
        var date = DateTime.ParseExact(call.Header("x-amz-date")!, "yyyyMMdd'T'HHmmss'Z'", null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var expected = AwsSigV4Signer.Sign("POST", new Uri(server.Url, "/"), new[]
        {
            new KeyValuePair<string, string>("content-type", call.Header("content-type")!),
            new KeyValuePair<string, string>("x-amz-target", call.Header("x-amz-target")!),
        }, call.Body, new AwsSigningCredentials(LiveAwsFixture.AccessKey, LiveAwsFixture.SecretKey, LiveAwsFixture.SessionToken), "eu-west-1", "cloudtrail", date);
        Assert.Equal(expected.Single(h => h.Key == "Authorization").Value, call.Header("authorization"));
        Assert.Contains("/eu-west-1/cloudtrail/aws4_request", call.Header("authorization"));
        Assert.Equal("999988887777", Assert.Single(events).Grantee);
    }

    [Fact]
    public async Task Throttling_and_429_are_retried_after_Retry_After_and_nothing_is_lost()
    {
        var trail = new FakeCloudTrail { PageSize = 2 };
        for (int i = 0; i < 4; i++) trail.Add("us-east-1", Share("99998888777" + i, $"2026-11-20T10:00:0{i}Z"));
        trail.Override = (call, _, _) => call switch
        {
            1 => FakeCloudTrail.Error("ThrottlingException", 400, "Rate exceeded", retryAfterSeconds: 1),
            3 => new FakeResponse { Status = 429, Body = "{}"u8.ToArray() },
            _ => null,
        };
        var watch = Stopwatch.StartNew();
        var (events, host, server) = await Run(trail, null, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute" } });
        await using var _ = server;
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was honoured ({watch.Elapsed})");
        Assert.Equal(4, events.Count);
        Assert.Empty(host.Issues);
        Assert.Equal(4, trail.Calls);
        Assert.Contains(host.VerboseMessages, m => m.Contains("ThrottlingException") && m.Contains("retrying"));
    }

    [Fact]
    public async Task A_500_in_the_middle_of_paging_is_reported_with_region_and_page_and_what_was_read_is_kept()
    {
        var trail = new FakeCloudTrail { PageSize = 2 };
        for (int i = 0; i < 6; i++) trail.Add("us-east-1", Share("99998888777" + i, $"2026-11-20T10:00:0{i}Z"));
        trail.Add("us-east-1", CloudTrailJson.ImageShare("add", "{\"userId\":\"444455556666\"}"));
        trail.Override = (_, _, body) => body["NextToken"]?.ToString() == "tok-2" && body.ToJsonString().Contains("ModifySnapshotAttribute")
            ? FakeCloudTrail.Error("InternalFailure", 500, "We encountered an internal error")
            : null;
        var (events, host, server) = await Run(trail, null, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute", "ModifyImageAttribute" } });
        await using var _ = server;

        Assert.Equal(2, events.Count(e => e.Operation == "ModifySnapshotAttribute"));
        Assert.Equal("444455556666", Assert.Single(events, e => e.Operation == "ModifyImageAttribute").Grantee);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Equal("LookupEvents us-east-1", issue.File);
        Assert.Contains("page 2 of ModifySnapshotAttribute", issue.Message);
        Assert.Contains("HTTP 500 InternalFailure", issue.Message);
        Assert.Contains("after 3 attempt(s)", issue.Message);
        Assert.Contains("the events of pages 1 to 1 were kept", issue.Message);
        Assert.Contains("was not read", issue.Message);
    }

    [Fact]
    public async Task Expired_credentials_stop_with_a_clear_error_and_no_secret()
    {
        var trail = new FakeCloudTrail();
        trail.Add("us-east-1", Share("999988887777"));
        trail.Override = (_, _, _) => FakeCloudTrail.Error("ExpiredTokenException", 400, "The security token included in the request is expired");
        var server = await FakeAwsServer.StartAsync(trail.Handle);
        await using var _ = server;
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
        var e = Assert.Throws<LiveSourceException>(() => session.LookupEvents(new ShareLogReaderOptions(), Token).ToList());
        Assert.Equal("TransferDetect.CredentialsExpired", e.ErrorId);
        Assert.Contains("expired", e.Message);
        Assert.Equal(1, trail.Calls);
        string all = LiveAwsFixture.AllText(host, e);
        Assert.DoesNotContain(LiveAwsFixture.SecretKey, all);
        Assert.DoesNotContain(LiveAwsFixture.SessionToken, all);
    }

    [Fact]
    public async Task Access_denied_in_one_region_is_reported_and_the_other_regions_are_read()
    {
        var trail = new FakeCloudTrail();
        trail.Add("us-east-1", Share("999988887777"));
        trail.Add("eu-west-1", Share("444455556666"));
        trail.Override = (_, region, _) => region == "us-east-1" ? FakeCloudTrail.Error("AccessDeniedException", 400, "not authorized") : null;
        var (events, host, server) = await Run(trail, null, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute", "ModifyImageAttribute" } }, "us-east-1", "eu-west-1");
        await using var _ = server;
        Assert.Equal("444455556666", Assert.Single(events).Grantee);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.AccessDenied, issue.Kind);
        Assert.Contains("cloudtrail:LookupEvents", issue.Message);
        Assert.Equal(1, server.Requests.Count(r => r.Header("authorization")!.Contains("/us-east-1/")));
    }

    [Fact]
    public async Task Regions_are_read_at_once_each_at_its_own_rate()
    {
        var trail = new FakeCloudTrail { PageSize = 1 };
        var regions = new[] { "us-east-1", "eu-west-1", "ap-south-1", "sa-east-1" };
        foreach (var region in regions)
        {
            for (int i = 0; i < 3; i++) trail.Add(region, Share("99998888777" + i, $"2026-11-20T10:00:0{i}Z"));
        }
        var watch = Stopwatch.StartNew();
        var (events, host, server) = await Run(trail, o => o.LookupEventsPerSecond = 2, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute" } }, regions);
        await using var _ = server;
        Assert.Equal(12, events.Count);
        Assert.Equal(regions.OrderBy(r => r), events.Select(e => e.Region!).Distinct().OrderBy(r => r));
        Assert.Empty(host.Issues);
        // Read at once, not one region after the other: every region's first call arrives before any region's
        // last one (in arrival order, so a loaded machine cannot fail it the way a wall-clock bound could).
        var order = server.Requests.Select(r => regions.Single(region => r.Header("authorization")!.Contains("/" + region + "/"))).ToList();
        Assert.Equal(12, order.Count);
        foreach (var a in regions)
        {
            foreach (var b in regions.Where(b => b != a))
            {
                Assert.True(order.IndexOf(b) < order.LastIndexOf(a), $"{b} started after {a} had finished: {string.Join(", ", order)}");
            }
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"4 regions took {watch.Elapsed}");
    }

    [Fact]
    public async Task Calls_per_region_are_limited_to_the_configured_rate()
    {
        var trail = new FakeCloudTrail { PageSize = 1 };
        for (int i = 0; i < 5; i++) trail.Add("us-east-1", Share("99998888777" + i, $"2026-11-20T10:00:0{i}Z"));
        var watch = Stopwatch.StartNew();
        var (events, _, server) = await Run(trail, o => o.LookupEventsPerSecond = 2, new ShareLogReaderOptions { Operations = new[] { "ModifySnapshotAttribute" } });
        await using var _ = server;
        Assert.Equal(5, events.Count);
        Assert.Equal(5, trail.Calls);
        // Five calls at 2 per second: the first at once, then one every half second.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"5 calls took {watch.Elapsed}");
    }

    [Fact]
    public void Token_bucket_spaces_reservations_by_the_rate()
    {
        var now = TimeSpan.Zero;
        var bucket = new LiveTokenBucket(2, burst: 1, clock: () => now);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(0.5), bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(1.0), bucket.Reserve());
        now = TimeSpan.FromSeconds(10);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
    }

    [Fact]
    public void A_window_older_than_90_days_gets_the_retention_warning()
    {
        var now = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        Assert.Null(CloudTrailLookupReader.RetentionWarning(new TimeWindow(now.AddDays(-30), null), now));
        Assert.Null(CloudTrailLookupReader.RetentionWarning(TimeWindow.All, now));
        var warning = CloudTrailLookupReader.RetentionWarning(new TimeWindow(now.AddDays(-120), null), now);
        Assert.Contains("90 days", warning);
        Assert.Contains("2026-08-26", warning);
    }

    [Fact]
    public void Lookups_skip_data_events_and_use_the_versioned_lambda_names()
    {
        var names = CloudTrailLookupReader.EventNames(null, null);
        Assert.DoesNotContain("CopyObject", names);
        Assert.Contains("AddLayerVersionPermission20181031", names);
        Assert.Contains("ModifySnapshotAttribute", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    /// <summary>
    /// The measurement behind the default strategy: in an account with 2,000 write events of which 3 are shares,
    /// one listing per event name costs one call per name; listing the write events costs one call per 50.
    /// </summary>
    [Fact]
    public async Task Per_event_name_costs_one_call_per_name_and_write_events_one_per_50_writes()
    {
        var trail = new FakeCloudTrail();
        for (int i = 0; i < 2000; i++)
        {
            var r = CloudTrailJson.Background("RunInstances");
            r["eventTime"] = $"2026-11-20T{i / 3600 % 24:D2}:{i / 60 % 60:D2}:{i % 60:D2}Z";
            trail.Add("us-east-1", r);
        }
        trail.Add("us-east-1", Share("999988887777"));
        trail.Add("us-east-1", CloudTrailJson.ImageShare("add", "{\"group\":\"all\"}"));
        trail.Add("us-east-1", Share("444455556666", snapshot: "snap-0badc0ffee0000001"));

        var (perName, _, s1) = await Run(trail, o => o.LookupStrategy = CloudTrailLookupStrategy.PerEventName);
        await using (s1) { }
        int perNameCalls = trail.Calls;
        var trail2 = new FakeCloudTrail();
        trail.CopyTo(trail2);
        var (writes, _, s2) = await Run(trail2, o => o.LookupStrategy = CloudTrailLookupStrategy.WriteEvents);
        await using (s2) { }

        Assert.Equal(3, perName.Count);
        Assert.Equal(3, writes.Count);
        Assert.Equal(CloudTrailLookupReader.EventNames(null, null).Count, perNameCalls);
        Assert.Equal(41, trail2.Calls);
        Assert.True(perNameCalls < 60, $"{perNameCalls} calls per event name");
    }
}
