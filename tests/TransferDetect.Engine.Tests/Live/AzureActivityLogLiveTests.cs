using System.Diagnostics;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>The Activity Log read live through the Azure.Core pipeline against a fake of ARM.</summary>
public sealed class AzureActivityLogLiveTests
{
    private static readonly DateTime Now = new(2026, 11, 10, 12, 0, 0, DateTimeKind.Utc);
    private static string Example => Path.Combine(RepoPaths.Root, "examples", "data", "azure", "activity-log-2026-11-02.json");

    private static AzureLiveOptions Options(LoopbackFake fake, FixedTokenCredential credential, TimeWindow? window = null) => new()
    {
        SubscriptionIds = { ArmFake.Subscription },
        ArmEndpoint = fake.Address,
        Credential = credential,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        Window = window ?? new TimeWindow(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), Now),
        UtcNow = () => Now,
    };

    private static List<ShareEvent> Offline()
    {
        var host = new CollectingScanHost();
        return new ShareLogReader(host, new ShareLogReaderOptions { Providers = new[] { Provider.Azure } }).Read(new[] { Example }, TestContext.Current.CancellationToken).ToList();
    }

    private static string Key(ShareEvent e) => $"{e.EventId}|{e.Operation}|{e.Action}|{e.Grantee}|{e.GranteeType}|{e.Succeeded}|{e.ResourceId}|{e.EventTime:o}|{e.Details}";

    [Fact]
    public async Task Live_pages_give_the_same_share_events_as_the_CLI_export_of_the_same_records()
    {
        var arm = new ArmFake { PageSize = 4 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var credential = new FixedTokenCredential("token-1");
        var host = new CollectingScanHost();
        var source = new AzureActivityLogSource(host, Options(fake, credential));

        var live = source.Read(TestContext.Current.CancellationToken).ToList();

        var offline = Offline();
        Assert.NotEmpty(offline);
        Assert.Equal(offline.Select(Key), live.Select(Key));
        Assert.Empty(host.Issues);
        // Three pages of 4, 4 and 2 records, followed by nextLink (rebased from ARM's public host to the endpoint).
        var requests = fake.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        Assert.All(requests, r => Assert.Equal("Bearer token-1", r.Authorization));
        Assert.Equal($"/subscriptions/{ArmFake.Subscription}/providers/Microsoft.Insights/eventtypes/management/values", requests[0].Path);
        Assert.Contains("api-version=2015-04-01", requests[0].Query);
        Assert.Contains("$filter=eventTimestamp ge '2026-11-01T00:00:00.000Z' and eventTimestamp le '2026-11-10T12:00:00.000Z'", requests[0].Query);
        Assert.Contains("$skipToken=3", requests[2].Query);
        Assert.Contains("https://management.azure.com/.default", credential.Scopes);
        Assert.Equal(3, source.Statistics.FilesRead);
        Assert.Equal(10, source.Statistics.Records);
    }

    [Fact]
    public async Task A_throttled_page_is_retried_after_Retry_After_and_nothing_is_lost()
    {
        var arm = new ArmFake { PageSize = 4 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        arm.ActivityFailures[2] = (429, 1, 1);
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();

        var live = new AzureActivityLogSource(host, Options(fake, new FixedTokenCredential("token-1"))).Read(TestContext.Current.CancellationToken).ToList();

        Assert.Equal(Offline().Select(Key), live.Select(Key));
        Assert.Empty(host.Issues);
        Assert.Equal(2, arm.Attempts(2));
        var page2 = fake.Requests.Where(r => r.Query.Contains("$skipToken=2")).ToArray();
        Assert.Equal(2, page2.Length);
        Assert.True(page2[1].At - page2[0].At >= TimeSpan.FromMilliseconds(900), $"the retry came {(page2[1].At - page2[0].At).TotalMilliseconds} ms after the 429 with Retry-After: 1");
    }

    [Fact]
    public async Task A_500_in_the_middle_of_paging_is_reported_with_subscription_and_page_and_the_first_page_is_kept()
    {
        var arm = new ArmFake { PageSize = 4 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        arm.ActivityFailures[2] = (500, 0, null);
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();
        var source = new AzureActivityLogSource(host, Options(fake, new FixedTokenCredential("token-1")));

        var live = source.Read(TestContext.Current.CancellationToken).ToList();

        // Page 1 holds the two endGetAccess records (folded into one revocation) and the failed disk beginGetAccess pair.
        var firstPageOps = ArmFake.Load(Example).Take(4).Select(r => (string)r["operationName"]!["value"]!).Distinct().ToArray();
        Assert.NotEmpty(live);
        Assert.All(live, e => Assert.Contains(e.Operation, firstPageOps));
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Contains(ArmFake.Subscription, issue.Message);
        Assert.Contains("page 2", issue.Message);
        Assert.Contains("500", issue.Message);
        Assert.Contains("incomplete", issue.Message);
        Assert.Equal(3, arm.Attempts(2)); // the first attempt and MaxRetries (2) retries
        Assert.Equal(1, source.FailedRequests);
    }

    [Fact]
    public async Task An_expired_token_stops_with_a_clear_error_that_holds_no_token()
    {
        var arm = new ArmFake();
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();
        var source = new AzureActivityLogSource(host, Options(fake, new FixedTokenCredential(ArmFake.ExpiredToken)));

        var e = Assert.Throws<AzureLiveException>(() => source.Read(TestContext.Current.CancellationToken).ToList());

        Assert.Equal(401, e.Status);
        Assert.Contains("ExpiredAuthenticationToken", e.Message);
        Assert.Contains(ArmFake.Subscription, e.Message);
        Assert.DoesNotContain(ArmFake.ExpiredToken, e.Message);
        Assert.Single(fake.Requests); // a 401 is not retried
    }

    [Fact]
    public async Task A_window_older_than_90_days_is_reported_and_the_query_starts_90_days_ago()
    {
        var arm = new ArmFake();
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();
        var window = new TimeWindow(Now.AddDays(-200), null);

        var live = new AzureActivityLogSource(host, Options(fake, new FixedTokenCredential("token-1"), window)).Read(TestContext.Current.CancellationToken).ToList();

        Assert.Empty(live);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceLimited, issue.Kind);
        Assert.Contains("90 days", issue.Message);
        var request = Assert.Single(fake.Requests);
        Assert.Contains($"eventTimestamp ge '{Now.AddDays(-90):yyyy-MM-ddTHH:mm:ss.fff}Z'", request.Query);
    }
}
