using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.M365;

namespace TransferDetect.Engine.Live.M365;

/// <summary>
/// An inventory of the sharing links and grants that exist now on OneDrive and SharePoint, read with
/// Microsoft.Graph (GET only): the drives of every site (<c>/sites/getAllSites</c>) and of every user
/// (<c>/users/{id}/drive</c>), their items through <c>/drives/{id}/root/delta</c> with
/// <c>Prefer: hierarchicalsharing</c> (only the items that carry a <c>shared</c> facet, the roots of
/// sharing, are looked at), and those items' permissions. Anyone links, specific-people links and
/// invitations become ShareEvents that the M365 judge decides on with the trust zone's domains.
/// Paging follows @odata.nextLink; throttling (429, 503 with Retry-After) is retried by Kiota's
/// RetryHandler; a failure is reported naming the drive and page and the other drives are still read.
/// One page of items is in memory at a time.
/// </summary>
public sealed class M365SharingLinkSource
{
    internal const string EventSourceName = "Microsoft Graph (current state)";
    private static readonly string[] DriveItemSelect = { "id", "name", "webUrl", "shared", "deleted", "file", "folder", "root" };

    private readonly IScanHost _host;
    private readonly AzureLiveOptions _options;

    public M365SharingLinkSource(IScanHost host, AzureLiveOptions options)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>Drives whose items were read.</summary>
    public int DrivesRead { get; private set; }

    /// <summary>Items with a shared facet whose permissions were read.</summary>
    public long SharedItems { get; private set; }

    /// <summary>Requests that failed (each reported).</summary>
    public int FailedRequests { get; private set; }

    /// <summary>Test seam: an authentication provider used instead of the credential's (the engine's tests only).</summary>
    internal IAuthenticationProvider? AuthenticationProvider { get; set; }

    /// <exception cref="AzureLiveException">Signing in failed, or Graph refused the credential.</exception>
    public IEnumerable<ShareEvent> Read(CancellationToken cancellationToken = default)
    {
        var client = CreateClient(out string description);
        var now = _options.UtcNow();
        _host.Verbose($"Reading OneDrive and SharePoint sharing links through Microsoft Graph with {description}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (drive, owner) in Drives(client, cancellationToken))
        {
            if (drive.Id == null || !seen.Add(drive.Id)) continue;
            DrivesRead++;
            foreach (var e in DriveEvents(client, drive, owner, now, cancellationToken)) yield return e;
        }
        _host.Verbose($"Read {DrivesRead} drive(s), {SharedItems} shared item(s).");
    }

    internal GraphServiceClient CreateClient(out string description)
    {
        var endpoint = LoopbackHttpHandler.ForSdk(_options.GraphEndpoint, "Microsoft Graph");
        var handlers = GraphClientFactory.CreateDefaultHandlers().ToList();
        // Kiota's RetryHandler retries 429, 503 and 504 honouring Retry-After; nothing else retries (no double retry).
        handlers.RemoveAll(h => h is RetryHandler);
        handlers.Insert(0, new RetryHandler(new RetryHandlerOption
        {
            MaxRetry = Math.Min(10, Math.Max(0, _options.MaxRetries)),
            Delay = Math.Max(0, Math.Min(180, (int)Math.Ceiling(_options.RetryDelay.TotalSeconds))),
        }));
        var final = LoopbackHttpHandler.For(_options.GraphEndpoint) ?? new HttpClientHandler { AllowAutoRedirect = false };
        var http = GraphClientFactory.Create(handlers, "v1.0", GraphClientFactory.Global_Cloud, null, final);
        IAuthenticationProvider auth;
        if (AuthenticationProvider != null)
        {
            auth = AuthenticationProvider;
            description = "the authentication provider given";
        }
        else
        {
            var credential = AzureCredentials.Create(_options, out description);
            string audience = LoopbackHttpHandler.IsPlainLoopback(_options.GraphEndpoint) ? "https://graph.microsoft.com" : _options.GraphEndpoint.GetLeftPart(UriPartial.Authority);
            auth = new AzureIdentityAuthenticationProvider(credential, new[] { endpoint.Host }, null, false, audience + "/.default");
        }
        return new GraphServiceClient(http, auth, endpoint.GetLeftPart(UriPartial.Authority) + "/v1.0");
    }

    private static T Wait<T>(Task<T> task) => task.ConfigureAwait(false).GetAwaiter().GetResult();

    /// <summary>Every site's drives, then every user's OneDrive (a user without one is skipped).</summary>
    private IEnumerable<(Drive Drive, string Owner)> Drives(GraphServiceClient client, CancellationToken ct)
    {
        int page = 0;
        string? next = null;
        do
        {
            SiteCollectionResponse? sites;
            page++;
            try
            {
                sites = next == null
                    ? Wait(client.Sites.GetAllSites.GetAsGetAllSitesGetResponseAsync(r => r.QueryParameters.Select = new[] { "id", "webUrl", "displayName" }, ct)) is { } first ? new SiteCollectionResponse { Value = first.Value, OdataNextLink = first.OdataNextLink } : null
                    : Wait(client.Sites.GetAllSites.WithUrl(next).GetAsGetAllSitesGetResponseAsync(cancellationToken: ct)) is { } more ? new SiteCollectionResponse { Value = more.Value, OdataNextLink = more.OdataNextLink } : null;
            }
            catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
            {
                Failure(e, "the site list", page, "the sites after it were not read");
                break;
            }
            foreach (var site in sites?.Value ?? new List<Site>())
            {
                if (site.Id == null) continue;
                foreach (var d in SiteDrives(client, site, ct)) yield return d;
            }
            next = sites?.OdataNextLink;
        }
        while (next != null);

        page = 0;
        next = null;
        do
        {
            UserCollectionResponse? users;
            page++;
            try
            {
                users = next == null
                    ? Wait(client.Users.GetAsync(r => r.QueryParameters.Select = new[] { "id", "userPrincipalName" }, ct))
                    : Wait(client.Users.WithUrl(next).GetAsync(cancellationToken: ct));
            }
            catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
            {
                Failure(e, "the user list", page, "the OneDrives of the users after it were not read");
                break;
            }
            foreach (var user in users?.Value ?? new List<User>())
            {
                if (user.Id == null) continue;
                Drive? drive = null;
                try
                {
                    drive = Wait(client.Users[user.Id].Drive.GetAsync(r => r.QueryParameters.Select = new[] { "id", "webUrl", "driveType", "name" }, ct));
                }
                catch (ODataError e) when (e.ResponseStatusCode == 404)
                {
                    _host.Verbose($"{user.UserPrincipalName ?? user.Id} has no OneDrive.");
                }
                catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
                {
                    Failure(e, $"the OneDrive of {user.UserPrincipalName ?? user.Id}", 1, "its items were not read");
                }
                if (drive != null) yield return (drive, user.UserPrincipalName ?? user.Id);
            }
            next = users?.OdataNextLink;
        }
        while (next != null);
    }

    private IEnumerable<(Drive, string)> SiteDrives(GraphServiceClient client, Site site, CancellationToken ct)
    {
        string? next = null;
        int page = 0;
        do
        {
            DriveCollectionResponse? drives;
            page++;
            try
            {
                drives = next == null
                    ? Wait(client.Sites[site.Id].Drives.GetAsync(r => r.QueryParameters.Select = new[] { "id", "webUrl", "driveType", "name" }, ct))
                    : Wait(client.Sites[site.Id].Drives.WithUrl(next).GetAsync(cancellationToken: ct));
            }
            catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
            {
                Failure(e, $"the drives of site {site.WebUrl ?? site.Id}", page, "its other drives were not read");
                yield break;
            }
            foreach (var d in drives?.Value ?? new List<Drive>()) yield return (d, site.WebUrl ?? site.Id!);
            next = drives?.OdataNextLink;
        }
        while (next != null);
    }

    private IEnumerable<ShareEvent> DriveEvents(GraphServiceClient client, Drive drive, string owner, DateTime now, CancellationToken ct)
    {
        string name = drive.WebUrl ?? drive.Id!;
        string? next = null;
        int page = 0;
        do
        {
            ct.ThrowIfCancellationRequested();
            Microsoft.Graph.Drives.Item.Items.Item.Delta.DeltaGetResponse? delta;
            page++;
            try
            {
                var builder = client.Drives[drive.Id].Items["root"].Delta;
                delta = next == null
                    ? Wait(builder.GetAsDeltaGetResponseAsync(r =>
                    {
                        r.QueryParameters.Select = DriveItemSelect;
                        r.Headers.Add("Prefer", "hierarchicalsharing");
                    }, ct))
                    : Wait(builder.WithUrl(next).GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", "hierarchicalsharing"), ct));
            }
            catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
            {
                Failure(e, $"drive {name}", page, $"the items of page {page} and after were not read, so this drive's result is incomplete");
                yield break;
            }
            foreach (var item in delta?.Value ?? new List<DriveItem>())
            {
                if (item.Shared == null || item.Deleted != null || item.Root != null || item.Id == null) continue;
                SharedItems++;
                List<Permission>? permissions;
                try
                {
                    permissions = Wait(client.Drives[drive.Id].Items[item.Id].Permissions.GetAsync(cancellationToken: ct))?.Value;
                }
                catch (Exception e) when (e is ApiException || e is AuthenticationFailedException)
                {
                    Failure(e, $"the permissions of {item.WebUrl ?? item.Id} in drive {name}", 1, "its sharing is unknown");
                    continue;
                }
                foreach (var p in permissions ?? new List<Permission>())
                {
                    foreach (var e in EventsOf(p, item, drive, owner, now)) yield return e;
                }
            }
            next = delta?.OdataNextLink;
        }
        while (next != null);
    }

    /// <summary>Reports a failed Graph request; a refused credential (401) or a failed sign-in stops the read.</summary>
    private void Failure(Exception e, string what, int page, string consequence)
    {
        if (e is AuthenticationFailedException auth) throw AzureCredentials.SignInFailed("Microsoft Graph", "the credential", auth);
        if (e is not ApiException api) return;
        if (api.ResponseStatusCode == 401)
        {
            throw new AzureLiveException($"Microsoft Graph refused the credential (401) reading {what}: the token is expired or invalid for this tenant; sign in again or use -TenantId.", 401);
        }
        FailedRequests++;
        string code = (api as ODataError)?.Error?.Code is string c ? " " + c : "";
        string hint = api.ResponseStatusCode == 403 ? " (the identity needs the Graph application permissions Sites.Read.All and User.Read.All)" : "";
        _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, "Microsoft Graph",
            $"page {page.ToString(CultureInfo.InvariantCulture)} of {what} could not be read: Graph answered {api.ResponseStatusCode.ToString(CultureInfo.InvariantCulture)}{code}{hint}; {consequence}."));
    }

    /// <summary>The share events of one permission: an anyone link, an organisation link, a specific-people link (one event per person) or a direct grant / invitation.</summary>
    internal IEnumerable<ShareEvent> EventsOf(Permission p, DriveItem item, Drive drive, string owner, DateTime now)
    {
        var roles = p.Roles ?? new List<string>();
        string? permission = roles.Count == 0 ? null : string.Join(", ", roles);
        bool oneDrive = string.Equals(drive.DriveType, "personal", StringComparison.OrdinalIgnoreCase) || string.Equals(drive.DriveType, "business", StringComparison.OrdinalIgnoreCase);
        string resourceType = M365Targets.ResourceTypeOf(item.Folder != null ? "Folder" : "File", item.WebUrl, oneDrive ? "OneDrive" : "SharePoint", item.Name);
        string read = $"current state read {now.ToString("u", CultureInfo.InvariantCulture)}";
        ShareEvent Make(string operation, string? grantee, GranteeType type, string details) => new()
        {
            EventId = $"state:{drive.Id}:{item.Id}:{p.Id}" + (type == GranteeType.User ? ":" + grantee : ""),
            Provider = Provider.M365,
            Operation = operation,
            EventSource = EventSourceName,
            EventTime = now,
            Actor = owner,
            AccountId = _options.TenantId,
            TenantId = _options.TenantId,
            Category = ShareCategory.File,
            ResourceType = resourceType,
            ResourceId = item.WebUrl ?? item.Id,
            Action = ShareAction.Add,
            Grantee = grantee,
            GranteeType = type,
            Permission = permission,
            Status = "Succeeded",
            Succeeded = true,
            Details = details,
        };
        if (p.Link != null)
        {
            string scope = p.Link.Scope ?? "";
            string linkType = p.Link.Type ?? "link";
            string expiry = p.ExpirationDateTime is DateTimeOffset x ? $", expires {x.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}" : ", no expiry";
            if (scope.Equals("anonymous", StringComparison.OrdinalIgnoreCase))
            {
                yield return Make("AnonymousLinkCreated", "Anyone with the link", GranteeType.AnonymousLink, $"{read}: anyone {linkType} link{expiry}{(p.HasPassword == true ? ", password protected" : "")}");
                yield break;
            }
            if (scope.Equals("organization", StringComparison.OrdinalIgnoreCase))
            {
                yield return Make("CompanyLinkCreated", null, GranteeType.Organization, $"{read}: organization {linkType} link{expiry}");
                yield break;
            }
            var people = (p.GrantedToIdentitiesV2 ?? new List<SharePointIdentitySet>()).Select(Who)
                .Concat((p.GrantedToIdentities ?? new List<IdentitySet>()).Select(i => Who(i.User)))
                .Where(w => w != null).Select(w => w!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var who in people)
            {
                yield return Make("AddedToSecureLink", who, GranteeType.User, M365Targets.TargetDetails(M365Targets.IsGuestUpn(who) ? "Guest" : null, permission) + $"; {read}: specific-people {linkType} link{expiry}");
            }
            yield break;
        }
        if (roles.Any(r => r.Equals("owner", StringComparison.OrdinalIgnoreCase)) && p.Invitation == null) yield break;
        string? grantee = p.Invitation?.Email ?? Who(p.GrantedToV2) ?? Who(p.GrantedTo?.User);
        if (grantee == null) yield break;
        string operation = p.Invitation != null ? "SharingInvitationCreated" : "SharingSet";
        yield return Make(operation, grantee, GranteeType.User, M365Targets.TargetDetails(M365Targets.IsGuestUpn(grantee) ? "Guest" : null, permission) + $"; {read}: {(p.Invitation != null ? "invitation" : "direct permission")}");
    }

    /// <summary>The person of an identity set: the user's email, else the site user's login name (claims prefix removed).</summary>
    private static string? Who(SharePointIdentitySet? set)
    {
        if (set == null) return null;
        return Who(set.User) ?? LoginOf(set.SiteUser?.LoginName) ?? set.SiteUser?.DisplayName;
    }

    private static string? Who(Identity? user)
    {
        if (user == null) return null;
        if (user.AdditionalData != null && user.AdditionalData.TryGetValue("email", out var email) && email is string s && s.Length > 0) return s;
        return null;
    }

    private static string? LoginOf(string? login)
    {
        if (string.IsNullOrEmpty(login)) return null;
        int bar = login!.LastIndexOf('|');
        return bar >= 0 ? login.Substring(bar + 1) : login;
    }
}
