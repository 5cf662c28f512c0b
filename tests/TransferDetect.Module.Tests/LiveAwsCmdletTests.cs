using System.Text.Json.Nodes;
using TransferDetect.Engine.Tests.LiveAws;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>
/// The live AWS parameter sets in the hosted engine, against loopback fakes found the way a user's SDK finds
/// LocalStack: AWS_ENDPOINT_URL and the standard credential variables (set for the test, restored after).
/// </summary>
[Collection(nameof(LiveAwsEnvironment))]
public class LiveAwsCmdletTests
{
    private const string Secret = "fake/secret/for/the/module/test/0000000000";
    private const string Token = "FAKE-SESSION-TOKEN-module-test";

    private static JsonObject Record(string eventName, string snapshotId, string grantee, string time = "2026-11-20T10:00:00Z") => new()
    {
        ["eventVersion"] = "1.09",
        ["userIdentity"] = new JsonObject { ["type"] = "IAMUser", ["arn"] = "arn:aws:iam::111122223333:user/mallory", ["accountId"] = "111122223333" },
        ["eventTime"] = time,
        ["eventSource"] = "ec2.amazonaws.com",
        ["eventName"] = eventName,
        ["awsRegion"] = "us-east-1",
        ["sourceIPAddress"] = "203.0.113.9",
        ["requestParameters"] = JsonNode.Parse("{\"snapshotId\":\"" + snapshotId + "\",\"attributeType\":\"CREATE_VOLUME_PERMISSION\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"" + grantee + "\"}]}}}"),
        ["eventID"] = "evt-" + snapshotId,
        ["readOnly"] = false,
        ["eventType"] = "AwsApiCall",
        ["recipientAccountId"] = "111122223333",
    };

    private static async Task<T> WithFakeAws<T>(FakeCloudTrail trail, FakeAwsState state, Func<FakeAwsServer, T> run)
    {
        await using var server = await FakeAwsServer.StartAsync(r => r.Service == "CloudTrail_20131101" ? trail.Handle(r) : state.Handle(r));
        string none = Path.Combine(Path.GetTempPath(), "td-no-aws-config-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL"] = server.Url.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "AKIDMODULETEST000000",
            ["AWS_SECRET_ACCESS_KEY"] = Secret,
            ["AWS_SESSION_TOKEN"] = Token,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_CONFIG_FILE"] = none,
            ["AWS_SHARED_CREDENTIALS_FILE"] = none,
            ["AWS_PROFILE"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = null,
        };
        var saved = settings.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (k, v) in settings) Environment.SetEnvironmentVariable(k, v);
            return run(server);
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
    }

    [Fact]
    public async Task Get_ShareEvent_Live_reads_LookupEvents_through_AWS_ENDPOINT_URL_into_findings()
    {
        var trail = new FakeCloudTrail();
        trail.Add("us-east-1", Record("ModifySnapshotAttribute", "snap-0aaaaaaaaaaaaaaa1", "999988887777"));
        trail.Add("us-east-1", Record("ModifySnapshotAttribute", "snap-0aaaaaaaaaaaaaaa2", "444455556666"));
        var (r, requests) = await WithFakeAws(trail, new FakeAwsState(), server =>
        {
            using var s = new PowerShellSession();
            var result = s.Run("Get-ShareEvent -Live -Provider Aws -Operation ModifySnapshotAttribute -StartTime '2026-11-01T00:00:00Z' | Find-ExternalShare -TrustedAccount 444455556666");
            return (result, server.Requests.ToList());
        });

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var finding = Assert.Single(r.Output);
        Assert.Equal(("999988887777", "High", "snap-0aaaaaaaaaaaaaaa1"), ((string)Prop(finding, "Grantee")!, Prop(finding, "Severity")!.ToString(), (string)Prop(finding, "ResourceId")!));
        Assert.StartsWith("LookupEvents us-east-1", Prop(finding, "Source")!.ToString());
        var call = Assert.Single(requests);
        Assert.Contains("/us-east-1/cloudtrail/aws4_request", call.Header("authorization"));
        Assert.Equal(Token, call.Header("x-amz-security-token"));
    }

    [Fact]
    public async Task Find_ExternalShare_Live_judges_the_current_state_and_names_the_event_that_made_the_grant()
    {
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0aaaaaaaaaaaaaaa1", "us-east-1", new[] { "999988887777", "444455556666" }));
        state.Snapshots.Add(new("snap-0aaaaaaaaaaaaaaa3", "us-east-1", Array.Empty<string>(), Public: true));
        string logs = Path.Combine(Path.GetTempPath(), "td-grants-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(logs, new JsonObject { ["Records"] = new JsonArray(Record("ModifySnapshotAttribute", "snap-0aaaaaaaaaaaaaaa1", "999988887777")) }.ToJsonString());
        try
        {
            var r = await WithFakeAws(new FakeCloudTrail(), state, _ =>
            {
                using var s = new PowerShellSession();
                return s.Run("Find-ExternalShare -Live -Provider Aws -Region us-east-1 -Category Snapshot -GrantLogPath $args[0] -TrustedAccount 444455556666", logs);
            });
            Assert.Null(r.Terminating);
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "Critical all", "High 999988887777" }, r.Output.Select(o => $"{Prop(o, "Severity")} {Prop(o, "Grantee")}").OrderBy(x => x));
            var linked = r.Output.Single(o => (string)Prop(o, "Grantee")! == "999988887777");
            Assert.Equal("arn:aws:iam::111122223333:user/mallory", Prop(linked, "Actor"));
            Assert.Equal("DescribeSnapshotAttribute", Prop(linked, "Operation"));
        }
        finally
        {
            File.Delete(logs);
        }
    }

    [Fact]
    public async Task Find_ExternalShare_Live_LookupGrant_links_the_grant_found_with_LookupEvents()
    {
        var trail = new FakeCloudTrail();
        trail.Add("us-east-1", Record("ModifySnapshotAttribute", "snap-0aaaaaaaaaaaaaaa1", "999988887777", DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        var state = new FakeAwsState();
        state.Snapshots.Add(new("snap-0aaaaaaaaaaaaaaa1", "us-east-1", new[] { "999988887777" }));
        var (r, requests) = await WithFakeAws(trail, state, server =>
        {
            using var s = new PowerShellSession();
            return (s.Run("Find-ExternalShare -Live -Provider Aws -Category Snapshot -LookupGrant -TrustedAccount 444455556666"), server.Requests.ToList());
        });
        Assert.Empty(r.Errors);
        var finding = Assert.Single(r.Output);
        Assert.Equal("arn:aws:iam::111122223333:user/mallory", Prop(finding, "Actor"));
        Assert.Contains("granted by ModifySnapshotAttribute (event evt-snap-0aaaaaaaaaaaaaaa1", ((dynamic)Prop(finding, "Event")!).Details);
        // Only the snapshot and image granting operations are looked up for -Category Snapshot.
        Assert.Equal(2, requests.Count(q => q.Operation == "LookupEvents"));
    }

    [Fact]
    public async Task Get_ShareEvent_Bucket_reads_the_trail_files_and_keeps_copies_in_Destination()
    {
        var state = new FakeAwsState();
        state.Buckets.Add(new("trail-logs", "us-east-1"));
        string key = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T1000Z_x.json";
        state.Objects["trail-logs/" + key] = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = new JsonArray(Record("ModifySnapshotAttribute", "snap-0aaaaaaaaaaaaaaa1", "999988887777")) }.ToJsonString());
        string dir = Path.Combine(Path.GetTempPath(), "td-bucket-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var r = await WithFakeAws(new FakeCloudTrail(), state, _ =>
            {
                using var s = new PowerShellSession();
                s.SetLocation(dir);
                return s.Run("Get-ShareEvent -Bucket trail-logs -StartTime '2026-11-19T00:00:00Z' -EndTime '2026-11-21T00:00:00Z' -Destination ./evidence");
            });
            Assert.Empty(r.Errors);
            var e = Assert.Single(r.Output);
            Assert.Equal("s3://trail-logs/" + key, Prop(e, "Source")!.ToString()!.Split(':')[0] + ":" + Prop(e, "Source")!.ToString()!.Split(':')[1]);
            Assert.True(File.Exists(Path.Combine(dir, "evidence", key.Replace('/', Path.DirectorySeparatorChar))));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Expired_credentials_are_a_terminating_error_without_the_secret()
    {
        var trail = new FakeCloudTrail
        {
            Override = (_, _, _) => FakeCloudTrail.Error("ExpiredTokenException", 400, "The security token included in the request is expired"),
        };
        var r = await WithFakeAws(trail, new FakeAwsState(), _ =>
        {
            using var s = new PowerShellSession();
            return s.Run("Get-ShareEvent -Live -Provider Aws -Operation ModifySnapshotAttribute");
        });
        // A cmdlet's terminating error ends its statement; the script's error stream has it.
        var e = Assert.Single(r.Errors);
        Assert.Equal("TransferDetect.CredentialsExpired", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("expired", e.ToString());
        Assert.DoesNotContain(Secret, e.ToString() + e.Exception);
        Assert.DoesNotContain(Token, e.ToString() + e.Exception);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Region_of_the_live_sets_completes_region_names_and_star()
    {
        using var s = new PowerShellSession();
        string Complete(string input) => string.Join(" ", s.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null).CompletionMatches | ForEach-Object { $_.CompletionText }", input).Output);
        Assert.Equal("eu-west-1 eu-west-2 eu-west-3", Complete("Find-ExternalShare -Live -Provider Aws -Region eu-w"));
        var all = Complete("Get-ShareEvent -Live -Provider Aws -Region ").Split(' ');
        Assert.Equal("'*'", all[^1]);
        Assert.Contains("us-east-1", all);
    }

    [Fact]
    public void Live_with_a_provider_without_a_live_log_source_stops_with_a_clear_error()
    {
        using var s = new PowerShellSession();
        var gcp = s.Run("Get-ShareEvent -Live -Provider Gcp");
        var e = Assert.Single(gcp.Errors);
        Assert.StartsWith("TransferDetect.InvalidLiveArgument", e.FullyQualifiedErrorId);
        Assert.Contains("give -Provider Aws or -Provider Azure", e.Exception.Message);
        var azure = s.Run("Get-ShareEvent -Live -Provider Azure");
        Assert.Contains("give -SubscriptionId", Assert.Single(azure.Errors).Exception.Message);
        var both = s.Run("Get-ShareEvent -Live -Provider Aws, Azure");
        Assert.StartsWith("TransferDetect.InvalidLiveArgument", Assert.Single(both.Errors).FullyQualifiedErrorId);
    }
}

/// <summary>The tests that change the process's AWS_* variables run one at a time.</summary>
[CollectionDefinition(nameof(LiveAwsEnvironment), DisableParallelization = true)]
public sealed class LiveAwsEnvironment
{
}
