using System.Text.RegularExpressions;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>Every AWS call of every live path reads: the fakes record each request, and each is in the allowlist and the README's policy.</summary>
public class ReadOnlyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The IAM action of a request the fakes recorded, from its wire form (not from the product's own table).</summary>
    private static string IamAction(FakeRequest r) => r.Service switch
    {
        "CloudTrail_20131101" => "cloudtrail:" + r.Operation,
        "ec2" => "ec2:" + r.Operation,
        "sts" => "sts:" + r.Operation,
        "s3" => r.Operation switch
        {
            "ListBuckets" => "s3:ListAllMyBuckets",
            "ListObjectsV2" or "ListObjects" => "s3:ListBucket",
            "GetBucketReplication" => "s3:GetReplicationConfiguration",
            "HeadObject" => "s3:GetObject",
            _ => "s3:" + r.Operation,
        },
        _ => r.Service + ":" + r.Operation,
    };

    private static readonly Regex ReadOnlyOperation = new("^(Describe|Get|List|LookupEvents$|HeadObject$|HeadBucket$)");

    [Fact]
    public async Task Every_call_of_every_live_AWS_path_is_a_read_in_the_allowlist()
    {
        var trail = new FakeCloudTrail();
        trail.Add("us-east-1", CloudTrailJson.SnapshotShare("add", "{\"userId\":\"999988887777\"}"));
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0123456789abcdef0", "us-east-1", new[] { "999988887777" }));
        state.Images.Add(new("ami-00000000000000001", "eu-west-1", Array.Empty<string>(), Array.Empty<string>(), Public: true));
        state.Buckets.Add(new("org-trail", "us-east-1", Policy: "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}", AclGroups: new[] { "AllUsers" }, ReplicationAccount: "999988887777"));
        var record = CloudTrailJson.SnapshotShare("add", "{\"userId\":\"999988887777\"}");
        record["eventTime"] = "2026-11-20T10:00:00Z";
        state.Objects["org-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/x.json.gz"] = CloudTrailJson.Gzip(CloudTrailJson.Delivery(record));
        await using var server = await FakeAwsServer.StartAsync(r => r.Service == "CloudTrail_20131101" ? trail.Handle(r) : state.Handle(r));
        var host = new CollectingScanHost();
        using var session = new AwsLiveSession(LiveAwsFixture.Options(server, "*"), host);

        var lookedUp = session.LookupEvents(new ShareLogReaderOptions(), Token).ToList();
        var grants = new AwsGrantIndex();
        foreach (var e in lookedUp) grants.Add(e);
        var current = session.CurrentState(null, grants, Token).ToList();
        var logs = session.TrailBucket("org-trail", null, null,
            new ShareLogReaderOptions { Window = new TimeWindow(new DateTime(2026, 11, 19, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc)) }, Token).ToList();

        Assert.NotEmpty(lookedUp);
        Assert.Contains(current, e => e.ResourceType == "Ami");
        Assert.Contains(current, e => e.Operation == "GetBucketReplication");
        Assert.Single(logs);
        var requests = server.Requests.ToList();
        Assert.All(requests, r => Assert.Matches(ReadOnlyOperation, r.Operation));
        Assert.All(requests, r => Assert.True(r.Method is "GET" or "HEAD" || (r.Method == "POST" && r.Service is "CloudTrail_20131101" or "ec2" or "sts"), $"{r.Method} {r.Path}"));
        var used = requests.Select(IamAction).Distinct().OrderBy(a => a, StringComparer.Ordinal).ToList();
        Assert.All(used, a => Assert.Contains(a, AwsLiveSession.ReadOnlyActions));
        // Every action of the policy is exercised by some path, so the list is not wider than the code needs.
        Assert.Equal(AwsLiveSession.ReadOnlyActions.OrderBy(a => a, StringComparer.Ordinal), used);
    }

    [Fact]
    public void The_README_least_privilege_policy_lists_exactly_the_actions_the_live_sources_call()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        int at = readme.IndexOf("## Live AWS sources", StringComparison.Ordinal);
        Assert.True(at >= 0, "README.md has a 'Live AWS sources' section");
        int json = readme.IndexOf("```json", at, StringComparison.Ordinal);
        int end = readme.IndexOf("```", json + 7, StringComparison.Ordinal);
        var actions = Regex.Matches(readme.Substring(json, end - json), "\"([a-z0-9]+:[A-Za-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(AwsLiveSession.ReadOnlyActions.OrderBy(a => a, StringComparer.Ordinal), actions.OrderBy(a => a, StringComparer.Ordinal));
    }
}
