using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using Xunit;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>The current sharing state through the real AWSSDK.EC2 / S3 / STS clients against a loopback fake.</summary>
public class CurrentStateTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(List<ShareEvent> Events, CollectingScanHost Host, FakeAwsServer Server)> Run(FakeAwsState state, string[] regions,
        ICollection<ShareCategory>? categories = null, AwsGrantIndex? grants = null)
    {
        var server = await FakeAwsServer.StartAsync(state.Handle);
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, regions), host);
        var events = session.CurrentState(categories, grants, Token).ToList();
        return (events, host, server);
    }

    [Fact]
    public async Task Shared_snapshots_and_images_become_current_add_events_judged_like_log_events()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0000000000000001a", "us-east-1", new[] { "999988887777" }));
        state.Snapshots.Add(new("snap-0000000000000002b", "us-east-1", Array.Empty<string>(), Public: true));
        state.Snapshots.Add(new("snap-0000000000000003c", "us-east-1", new[] { "444455556666" }));
        state.Snapshots.Add(new("snap-0000000000000004d", "us-east-1", Array.Empty<string>()));
        state.Images.Add(new("ami-00000000000000001", "us-east-1", Array.Empty<string>(), new[] { "arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v" }));
        var (events, host, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Snapshot });
        await using var _ = server;

        Assert.Empty(host.Issues);
        Assert.Equal(4, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal(ShareAction.Add, e.Action);
            Assert.Equal("Current", e.Status);
            Assert.Equal(FakeAwsState.Owner, e.AccountId);
            Assert.Equal("us-east-1", e.Region);
            Assert.True(e.Succeeded);
        });
        var pub = Assert.Single(events, e => e.ResourceId == "snap-0000000000000002b");
        Assert.Equal(("DescribeSnapshotAttribute", "EbsSnapshot", "all", GranteeType.Public), (pub.Operation, pub.ResourceType, pub.Grantee, pub.GranteeType));
        var ami = Assert.Single(events, e => e.ResourceType == "Ami");
        Assert.Equal(("DescribeImageAttribute", GranteeType.Organization), (ami.Operation, ami.GranteeType));

        var zone = TrustZone.Empty;
        zone.AddAwsAccount("444455556666");
        var detector = new ExternalShareDetector(zone);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).ToList();
        Assert.Equal(3, findings.Count);
        Assert.Equal(Severity.Critical, findings.Single(f => f!.Event.Grantee == "all")!.Severity);
        Assert.DoesNotContain(findings, f => f!.Event.Grantee == "444455556666");
    }

    [Fact]
    public async Task Describe_calls_page_through_NextToken_in_every_region()
    {
        var state = new FakeAwsState { PageSize = 2 };
        for (int i = 0; i < 5; i++) state.Snapshots.Add(new($"snap-00000000000000{i:D2}e", "us-east-1", new[] { "999988887777" }));
        state.Snapshots.Add(new("snap-0000000000000099f", "eu-west-1", new[] { "999988887777" }));
        var (events, host, server) = await Run(state, new[] { "*" }, new[] { ShareCategory.Snapshot });
        await using var _ = server;
        Assert.Equal(6, events.Count);
        Assert.Equal(new[] { "eu-west-1", "us-east-1" }, events.Select(e => e.Region).Distinct().OrderBy(r => r));
        Assert.Equal(3, server.Requests.Count(r => r.Operation == "DescribeSnapshots" && r.Header("authorization")!.Contains("/us-east-1/")));
        Assert.Equal(1, server.Requests.Count(r => r.Operation == "DescribeRegions"));
        Assert.Empty(host.Issues);
    }

    [Fact]
    public async Task A_refused_describe_is_reported_and_the_rest_is_read()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0000000000000001a", "us-east-1", new[] { "999988887777" }));
        state.Images.Add(new("ami-00000000000000001", "us-east-1", new[] { "999988887777" }, Array.Empty<string>()));
        state.Override = r => r.Operation == "DescribeSnapshots" ? FakeAwsState.Ec2Error("UnauthorizedOperation", 403) : null;
        var (events, host, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Snapshot });
        await using var _ = server;
        Assert.Equal("ami-00000000000000001", Assert.Single(events).ResourceId);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.AccessDenied, issue.Kind);
        Assert.Contains("ec2:DescribeSnapshots", issue.Message);
        Assert.Equal("DescribeSnapshots us-east-1", issue.File);
    }

    [Fact]
    public async Task Bucket_policy_acl_and_replication_outside_are_read_and_none_is_no_event()
    {
        var state = new FakeAwsState();
        state.Buckets.Add(new("open-data", "us-east-1",
            Policy: "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::open-data/*\"}]}",
            AclGroups: new[] { "AllUsers" }, ReplicationAccount: "999988887777"));
        state.Buckets.Add(new("quiet", "us-east-1"));
        state.Buckets.Add(new("locked", "us-east-1", DenyAcl: true, Policy: "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
        state.Buckets.Add(new("elsewhere", "ap-south-1", AclGroups: new[] { "AllUsers" }));
        var (events, host, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Storage });
        await using var _ = server;

        Assert.DoesNotContain(events, e => e.ResourceId == "quiet" || e.ResourceId == "elsewhere");
        Assert.Contains(events, e => e is { ResourceId: "open-data", Operation: "GetBucketPolicy", Grantee: "arn:aws:iam::999988887777:root" });
        Assert.Contains(events, e => e is { ResourceId: "open-data", Operation: "GetBucketAcl", GranteeType: GranteeType.Public });
        Assert.Contains(events, e => e is { ResourceId: "open-data", Operation: "GetBucketReplication", Grantee: "999988887777" });
        Assert.Contains(events, e => e is { ResourceId: "locked", Operation: "GetBucketPolicy", GranteeType: GranteeType.Public });
        Assert.All(events, e => Assert.Equal(FakeAwsState.Owner, e.AccountId));
        Assert.True(host.Issues.Count == 1, string.Join("\n", host.Issues.Select(i => i.Message)));
        var issue = host.Issues[0];
        Assert.Equal(ReadIssueKind.AccessDenied, issue.Kind);
        Assert.Contains("locked", issue.Message);
        Assert.Contains("s3:GetBucketAcl", issue.Message);
    }

    [Fact]
    public async Task A_current_grant_names_the_CloudTrail_event_that_made_it()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0123456789abcdef0", "us-east-1", new[] { "999988887777" }));
        var log = CloudTrailJson.Read(CloudTrailJson.Delivery(
            CloudTrailJson.SnapshotShare("add", "{\"userId\":\"999988887777\"}"))).Events;
        var grants = new AwsGrantIndex();
        foreach (var e in log) grants.Add(e);
        var (events, _, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Snapshot }, grants);
        await using var _s = server;
        var current = Assert.Single(events);
        Assert.Equal(log[0].EventId, Assert.Single(current.RelatedEventIds));
        Assert.Equal(log[0].Actor, current.Actor);
        Assert.Contains("granted by ModifySnapshotAttribute (event " + log[0].EventId, current.Details);
    }

    [Fact]
    public void A_grant_removed_later_in_the_log_is_not_the_maker_of_the_current_grant()
    {
        var add = new ShareEvent { Provider = Provider.Aws, ResourceId = "snap-1", Grantee = "999988887777", Action = ShareAction.Add, Succeeded = true, EventId = "a", EventTime = new DateTime(2026, 11, 1) };
        var remove = new ShareEvent { Provider = Provider.Aws, ResourceId = "snap-1", Grantee = "999988887777", Action = ShareAction.Remove, Succeeded = true, EventId = "r", EventTime = new DateTime(2026, 11, 2) };
        var index = new AwsGrantIndex();
        index.Add(remove);
        index.Add(add);
        Assert.Null(index.GrantOf("snap-1", "999988887777"));
        var again = new ShareEvent { Provider = Provider.Aws, ResourceId = "snap-1", Grantee = "999988887777", Action = ShareAction.Add, Succeeded = true, EventId = "b", EventTime = new DateTime(2026, 11, 3) };
        index.Add(again);
        Assert.Equal("b", index.GrantOf("snap-1", "999988887777")!.EventId);
    }

    [Fact]
    public async Task A_throttled_EC2_call_is_retried_by_the_SDK_and_nothing_is_lost()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0000000000000001a", "us-east-1", new[] { "999988887777" }));
        int throttled = 0;
        state.Override = r =>
        {
            if (r.Operation != "DescribeSnapshots" || Interlocked.Increment(ref throttled) > 1) return null;
            var busy = FakeAwsState.Ec2Error("RequestLimitExceeded", 503);
            busy.Headers["Retry-After"] = "0";
            return busy;
        };
        var (events, host, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Snapshot });
        await using var _ = server;
        Assert.Equal("snap-0000000000000001a", Assert.Single(events).ResourceId);
        Assert.Empty(host.Issues);
        Assert.Equal(2, server.Requests.Count(r => r.Operation == "DescribeSnapshots"));
    }

    [Fact]
    public async Task A_500_in_the_middle_of_DescribeSnapshots_paging_is_reported_with_its_page_and_the_first_pages_are_kept()
    {
        var state = new FakeAwsState { PageSize = 2 };
        for (int i = 0; i < 5; i++) state.Snapshots.Add(new($"snap-00000000000000{i:D2}e", "us-east-1", new[] { "999988887777" }));
        state.Override = r => r.Operation == "DescribeSnapshots" && r.BodyText.Contains("NextToken=2") ? FakeAwsState.Ec2Error("InternalError", 500) : null;
        var (events, host, server) = await Run(state, new[] { "us-east-1" }, new[] { ShareCategory.Snapshot });
        await using var _ = server;
        Assert.Equal(2, events.Count);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Equal("DescribeSnapshots us-east-1", issue.File);
        Assert.Contains("page 2 failed", issue.Message);
        Assert.Contains("the 2 item(s) of pages 1 to 1 were kept", issue.Message);
        // The SDK made its attempts (3 with the fixture's retry policy) before the page was given up.
        Assert.Equal(3, server.Requests.Count(r => r.Operation == "DescribeSnapshots" && r.BodyText.Contains("NextToken=2")));
    }

    [Fact]
    public async Task Expired_credentials_on_EC2_stop_the_read_without_the_secret()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0000000000000001a", "us-east-1", new[] { "999988887777" }));
        state.Override = r => r.Service == "ec2" ? FakeAwsState.Ec2Error("RequestExpired", 400) : null;
        var server = await FakeAwsServer.StartAsync(state.Handle);
        await using var _ = server;
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "us-east-1"), host);
        var e = Assert.Throws<TransferDetect.Engine.Live.LiveSourceException>(() => session.CurrentState(new[] { ShareCategory.Snapshot }, null, Token).ToList());
        Assert.Equal("TransferDetect.CredentialsExpired", e.ErrorId);
        Assert.DoesNotContain(LiveAwsFixture.SecretKey, LiveAwsFixture.AllText(host, e));
        Assert.DoesNotContain(LiveAwsFixture.SessionToken, LiveAwsFixture.AllText(host, e));
    }
}
