using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Live.M365;
using TransferDetect.Engine.Model;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>The OneDrive / SharePoint sharing-link inventory read through Microsoft.Graph against a fake of Graph.</summary>
public sealed class M365SharingLinkLiveTests
{
    private static readonly DateTime Now = new(2026, 11, 10, 12, 0, 0, DateTimeKind.Utc);

    private static AzureLiveOptions Options(LoopbackFake fake, FixedTokenCredential credential) => new()
    {
        TenantId = ArmFake.Tenant,
        GraphEndpoint = fake.Address,
        Credential = credential,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetries = 2,
        UtcNow = () => Now,
    };

    private static List<Finding> Judge(IEnumerable<ShareEvent> events)
    {
        var zone = TrustZone.Empty;
        zone.AddM365Domain("contoso.com");
        var detector = new ExternalShareDetector(zone);
        return events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();
    }

    [Fact]
    public async Task Anyone_links_and_grants_to_outside_people_are_found_across_sites_and_OneDrives()
    {
        var graph = new GraphFake();
        await using var fake = await LoopbackFake.StartAsync(graph.Handle);
        var credential = new FixedTokenCredential(GraphFake.Token);
        var host = new CollectingScanHost();
        var source = new M365SharingLinkSource(host, Options(fake, credential));

        var events = source.Read(TestContext.Current.CancellationToken).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(2, source.DrivesRead);
        Assert.Equal(3, source.SharedItems); // budget, board, cv: the deleted and unshared items are not looked at
        Assert.Equal(
            new[] { "AnonymousLinkCreated|Anyone with the link", "CompanyLinkCreated|", "AddedToSecureLink|bob@fabrikam.com", "AddedToSecureLink|carol_partner.example#ext#@contoso.onmicrosoft.com", "AddedToSecureLink|dan@contoso.com", "SharingInvitationCreated|eve@gmail.com" },
            events.Select(e => $"{e.Operation}|{e.Grantee}"));
        Assert.All(events, e => Assert.Equal(Provider.M365, e.Provider));
        Assert.Equal("OneDriveFile", events[^1].ResourceType);

        var findings = Judge(events);
        Assert.Equal(new[] { "Anyone with the link", "bob@fabrikam.com", "carol_partner.example#ext#@contoso.onmicrosoft.com", "eve@gmail.com" }, findings.Select(f => f.Event.Grantee));
        Assert.Contains("anonymous (Anyone) link", findings[0].Reason);
        Assert.Contains("guest", findings[2].Reason);

        var requests = fake.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        Assert.All(requests, r => Assert.Equal("Bearer " + GraphFake.Token, r.Authorization));
        Assert.Contains("https://graph.microsoft.com/.default", credential.Scopes);
        Assert.Contains(requests, r => r.Path.Contains("/drives/b!finance/items/root/delta") && r.Query.Contains("token=2"));
    }

    [Fact]
    public async Task A_throttled_delta_page_is_retried_once_after_Retry_After_by_the_SDK()
    {
        var graph = new GraphFake();
        graph.Failures[(GraphFake.FinanceDrive + "/delta", 2)] = (429, 1, 1);
        await using var fake = await LoopbackFake.StartAsync(graph.Handle);
        var host = new CollectingScanHost();

        var events = new M365SharingLinkSource(host, Options(fake, new FixedTokenCredential(GraphFake.Token))).Read(TestContext.Current.CancellationToken).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(6, events.Count);
        Assert.Equal(2, graph.Attempts(GraphFake.FinanceDrive + "/delta", 2));
        var page2 = fake.Requests.Where(r => r.Path.Contains("b!finance/items/root/delta") && r.Query.Contains("token=2")).ToArray();
        Assert.Equal(2, page2.Length);
        Assert.True(page2[1].At - page2[0].At >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task A_500_in_the_middle_of_a_drive_is_reported_and_the_rest_is_kept()
    {
        var graph = new GraphFake();
        graph.Failures[(GraphFake.FinanceDrive + "/delta", 2)] = (500, 0, null);
        await using var fake = await LoopbackFake.StartAsync(graph.Handle);
        var host = new CollectingScanHost();
        var source = new M365SharingLinkSource(host, Options(fake, new FixedTokenCredential(GraphFake.Token)));

        var events = source.Read(TestContext.Current.CancellationToken).ToList();

        // Page 1 of the finance drive (budget.xlsx) and Alice's OneDrive are kept; the board folder of page 2 is missing.
        Assert.Equal(new[] { "Anyone with the link", "", "eve@gmail.com" }, events.Select(e => e.Grantee ?? ""));
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Contains("page 2", issue.Message);
        Assert.Contains("Shared%20Documents", issue.Message);
        Assert.Contains("500", issue.Message);
        Assert.Contains("incomplete", issue.Message);
        Assert.Equal(1, graph.Attempts(GraphFake.FinanceDrive + "/delta", 2)); // a 500 is not retried by Kiota
    }

    [Fact]
    public async Task A_refused_Graph_token_stops_with_a_clear_error()
    {
        var graph = new GraphFake { RefuseToken = true };
        await using var fake = await LoopbackFake.StartAsync(graph.Handle);
        var source = new M365SharingLinkSource(new CollectingScanHost(), Options(fake, new FixedTokenCredential(GraphFake.Token)));

        var e = Assert.Throws<AzureLiveException>(() => source.Read(TestContext.Current.CancellationToken).ToList());

        Assert.Equal(401, e.Status);
        Assert.DoesNotContain(GraphFake.Token, e.Message);
        Assert.Contains("sign in again", e.Message);
    }
}
