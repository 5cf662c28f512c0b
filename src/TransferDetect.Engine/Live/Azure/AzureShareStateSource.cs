using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Azure;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// What is shared now in Azure subscriptions, read from Resource Manager (GET only) and given as
/// ShareEvents the existing judge decides on: managed disks and snapshots with an open SAS export
/// (diskState ActiveSAS / ActiveSASFrozen), Azure Compute Galleries shared with other subscriptions or
/// tenants or with everyone (community), storage accounts that allow anonymous blob access or object
/// replication to other tenants (listed through ARM generic resources, each read by id). Events carry the
/// time they were read, the operation that makes such a state and "current state" in EventSource.
/// A list that fails is reported (subscription, list, page) and the others are still read.
/// </summary>
public sealed class AzureShareStateSource
{
    internal const string ComputeApiVersion = "2023-04-02";
    internal const string GalleryApiVersion = "2022-03-03";
    internal const string ResourcesApiVersion = "2021-04-01";
    internal const string StorageApiVersion = "2023-05-01";
    internal const string EventSourceName = "Azure Resource Manager (current state)";

    private readonly IScanHost _host;
    private readonly AzureLiveOptions _options;

    public AzureShareStateSource(IScanHost host, AzureLiveOptions options)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.SubscriptionIds.Count == 0) throw new ArgumentException("Current state is read per subscription: give at least one subscription id.");
    }

    /// <summary>Resources read (disks, snapshots, galleries, storage accounts).</summary>
    public long ResourcesRead { get; private set; }

    /// <summary>Lists or resources that could not be read (each reported).</summary>
    public int FailedRequests { get; private set; }

    /// <exception cref="AzureLiveException">Signing in failed or Resource Manager refused the credential.</exception>
    public IEnumerable<ShareEvent> Read(CancellationToken cancellationToken = default)
    {
        var arm = new ArmClient(_options);
        var now = _options.UtcNow();
        foreach (var raw in _options.SubscriptionIds)
        {
            string sub = raw.Trim();
            string subPath = "/subscriptions/" + Uri.EscapeDataString(sub);
            _host.Verbose($"Reading the sharing state of subscription {sub} with {arm.CredentialDescription}.");
            foreach (var (kind, type, op) in new[] { ("disks", "AzureDisk", AzureOperations.DiskBeginGetAccess), ("snapshots", "AzureSnapshot", AzureOperations.SnapshotBeginGetAccess) })
            {
                foreach (var item in Items(arm, sub, kind, arm.Address($"{subPath}/providers/Microsoft.Compute/{kind}?api-version={ComputeApiVersion}"), cancellationToken))
                {
                    using (item)
                    {
                        var e = OpenSas(item.RootElement, sub, type, op, now);
                        if (e != null) yield return e;
                    }
                }
            }
            foreach (var item in Items(arm, sub, "galleries", arm.Address($"{subPath}/providers/Microsoft.Compute/galleries?api-version={GalleryApiVersion}"), cancellationToken))
            {
                ShareEvent? e;
                using (item)
                {
                    e = Gallery(arm, item.RootElement, sub, now, cancellationToken);
                }
                if (e != null) yield return e;
            }
            string filter = Uri.EscapeDataString("resourceType eq 'Microsoft.Storage/storageAccounts'");
            foreach (var item in Items(arm, sub, "storage accounts", arm.Address($"{subPath}/resources?$filter={filter}&api-version={ResourcesApiVersion}"), cancellationToken))
            {
                string? id;
                using (item) id = Str(item.RootElement, "id");
                if (id == null) continue;
                using var account = GetById(arm, sub, id, StorageApiVersion, null, cancellationToken);
                if (account == null) continue;
                foreach (var e in StorageAccount(account.RootElement, sub, now)) yield return e;
            }
        }
    }

    /// <summary>The items of a list, one page parsed at a time; a failed page is reported and ends that list.</summary>
    private IEnumerable<JsonDocument> Items(ArmClient arm, string sub, string what, Uri first, CancellationToken cancellationToken)
    {
        using var pages = arm.List(first, cancellationToken).GetEnumerator();
        int read = 0;
        while (true)
        {
            ArmPage page;
            try
            {
                if (!pages.MoveNext()) yield break;
                page = pages.Current;
            }
            catch (ArmRequestException e)
            {
                Fail(e, sub, $"page {read + 1} of the {what} list could not be read: {e.Message}. The {what} of the {read} page(s) before it were read; the others were not, so the result is incomplete.");
                yield break;
            }
            read++;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(page.Body.ToMemory());
            }
            catch (JsonException e)
            {
                FailedRequests++;
                _host.ReportIssue(new ReadIssue(ReadIssueKind.InvalidRecord, $"Azure {what} of subscription {sub}", $"page {page.Number} is not valid JSON ({e.Message}); its {what} were not read."));
                continue;
            }
            using (doc)
            {
                if (!doc.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
                {
                    _host.ReportIssue(new ReadIssue(ReadIssueKind.UnexpectedShape, $"Azure {what} of subscription {sub}", $"page {page.Number} has no value array; its {what} were not read."));
                    continue;
                }
                foreach (var v in value.EnumerateArray())
                {
                    ResourcesRead++;
                    // Each item is handed out on its own (a copy of a few KB): the page is released when the list moves on.
                    yield return JsonDocument.Parse(v.GetRawText());
                }
            }
        }
    }

    private JsonDocument? GetById(ArmClient arm, string sub, string id, string apiVersion, string? extraQuery, CancellationToken cancellationToken)
    {
        try
        {
            var body = arm.Get(arm.Address($"{id}?api-version={apiVersion}{extraQuery}"), cancellationToken);
            return JsonDocument.Parse(body.ToMemory());
        }
        catch (ArmRequestException e)
        {
            Fail(e, sub, $"{id} could not be read: {e.Message}; its sharing state is unknown.");
        }
        catch (JsonException e)
        {
            FailedRequests++;
            _host.ReportIssue(new ReadIssue(ReadIssueKind.InvalidRecord, $"Azure subscription {sub}", $"{id} is not valid JSON ({e.Message}); its sharing state is unknown."));
        }
        return null;
    }

    private void Fail(ArmRequestException e, string sub, string message)
    {
        if (e.IsAuthentication) throw new AzureLiveException($"The sharing state of subscription {sub} cannot be read: {e.Message}.", e.Status);
        FailedRequests++;
        _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, $"Azure subscription {sub}", message));
    }

    /// <summary>A disk or snapshot whose diskState says a SAS export is open.</summary>
    internal static ShareEvent? OpenSas(JsonElement item, string sub, string resourceType, string operation, DateTime now)
    {
        var props = Obj(item, "properties");
        string? state = props is JsonElement p ? Str(p, "diskState") : null;
        if (state == null || !(state.Equals("ActiveSAS", StringComparison.OrdinalIgnoreCase) || state.Equals("ActiveSASFrozen", StringComparison.OrdinalIgnoreCase))) return null;
        string? id = Str(item, "id");
        return new ShareEvent
        {
            EventId = id == null ? null : "state:" + id,
            Provider = Provider.Azure,
            Operation = operation,
            EventSource = EventSourceName,
            EventTime = now,
            AccountId = sub,
            Region = Str(item, "location"),
            Category = ShareCategory.Snapshot,
            ResourceType = resourceType,
            ResourceId = id,
            Action = ShareAction.Add,
            Grantee = AzureActivityInterpreter.SasGrantee,
            GranteeType = GranteeType.AnonymousLink,
            Permission = "Read",
            Status = state,
            Succeeded = true,
            Details = $"current state read {now.ToString("u", CultureInfo.InvariantCulture)}: diskState {state}, a SAS URI to download it is open now, until it expires or endGetAccess is called",
        };
    }

    /// <summary>A gallery shared beyond its subscription: community (everyone) or groups of subscriptions and tenants (read with $select=Permissions).</summary>
    private ShareEvent? Gallery(ArmClient arm, JsonElement item, string sub, DateTime now, CancellationToken cancellationToken)
    {
        var sharing = Obj(item, "properties") is JsonElement p ? Obj(p, "sharingProfile") : null;
        string? permissions = sharing is JsonElement s ? Str(s, "permissions") : null;
        if (permissions == null || permissions.Equals("Private", StringComparison.OrdinalIgnoreCase)) return null;
        string? id = Str(item, "id");
        if (id == null) return null;
        if (permissions.Equals("Community", StringComparison.OrdinalIgnoreCase))
        {
            return GalleryEvent(item, sub, id, now, AzureActivityInterpreter.CommunityGrantee, GranteeType.Public, permissions,
                "shared with every Azure user (community gallery)");
        }
        using var full = GetById(arm, sub, id, GalleryApiVersion, "&$select=Permissions", cancellationToken);
        if (full == null) return null;
        var groups = Obj(full.RootElement, "properties") is JsonElement fp && Obj(fp, "sharingProfile") is JsonElement fs && fs.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array ? g : (JsonElement?)null;
        var subscriptions = new List<string>();
        var tenants = new List<string>();
        if (groups is JsonElement list)
        {
            foreach (var group in list.EnumerateArray())
            {
                string? kind = Str(group, "type");
                if (!group.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array) continue;
                var target = string.Equals(kind, "AADTenants", StringComparison.OrdinalIgnoreCase) ? tenants : string.Equals(kind, "Subscriptions", StringComparison.OrdinalIgnoreCase) ? subscriptions : null;
                if (target == null) continue;
                foreach (var x in ids.EnumerateArray())
                {
                    if (x.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(x.GetString()) && !target.Contains(x.GetString()!.ToLowerInvariant())) target.Add(x.GetString()!.ToLowerInvariant());
                }
            }
        }
        if (subscriptions.Count + tenants.Count == 0) return null;
        string grantee;
        GranteeType type;
        if (tenants.Count == 0) (grantee, type) = (string.Join(", ", subscriptions), GranteeType.Subscription);
        else if (subscriptions.Count == 0) (grantee, type) = (string.Join(", ", tenants), GranteeType.Tenant);
        else (grantee, type) = (string.Join(", ", subscriptions.Select(x => "subscription:" + x).Concat(tenants.Select(t => "tenant:" + t))), GranteeType.Tenant);
        return GalleryEvent(item, sub, id, now, grantee, type, permissions, $"shared with {subscriptions.Count} subscription(s) and {tenants.Count} tenant(s)");
    }

    private ShareEvent GalleryEvent(JsonElement item, string sub, string id, DateTime now, string grantee, GranteeType type, string permissions, string what) => new()
    {
        EventId = "state:" + id,
        Provider = Provider.Azure,
        Operation = AzureOperations.GalleryShare,
        EventSource = EventSourceName,
        EventTime = now,
        AccountId = sub,
        TenantId = _options.TenantId,
        Region = Str(item, "location"),
        Category = ShareCategory.Snapshot,
        ResourceType = "AzureGallery",
        ResourceId = id,
        Action = ShareAction.Add,
        Grantee = grantee,
        GranteeType = type,
        Permission = permissions,
        Status = "Succeeded",
        Succeeded = true,
        Details = $"current state read {now.ToString("u", CultureInfo.InvariantCulture)}: sharingProfile.permissions {permissions}, {what}",
    };

    /// <summary>A storage account whose properties allow anonymous blob access or cross-tenant object replication (explicitly true).</summary>
    internal static IEnumerable<ShareEvent> StorageAccount(JsonElement account, string sub, DateTime now)
    {
        var props = Obj(account, "properties");
        if (props is not JsonElement p) yield break;
        bool blob = Flag(p, "allowBlobPublicAccess"), cross = Flag(p, "allowCrossTenantReplication");
        string? id = Str(account, "id");
        string read = $"current state read {now.ToString("u", CultureInfo.InvariantCulture)}";
        ShareEvent Make(string grantee, GranteeType type, string permission, string details) => new()
        {
            EventId = id == null ? null : "state:" + id + ":" + permission,
            Provider = Provider.Azure,
            Operation = AzureOperations.StorageAccountWrite,
            EventSource = EventSourceName,
            EventTime = now,
            AccountId = sub,
            Region = Str(account, "location"),
            Category = ShareCategory.Guardrail,
            ResourceType = "StorageAccount",
            ResourceId = id,
            Action = ShareAction.Add,
            Grantee = grantee,
            GranteeType = type,
            Permission = permission,
            Status = "Succeeded",
            Succeeded = true,
            Details = details,
        };
        if (blob) yield return Make(AzureActivityInterpreter.PublicBlobGrantee, GranteeType.Public, "allowBlobPublicAccess=true",
            $"{read}: anonymous (public) blob access is allowed, so any container of the account can be made public");
        if (cross) yield return Make(AzureActivityInterpreter.CrossTenantGrantee, GranteeType.Tenant, "allowCrossTenantReplication=true",
            $"{read}: object replication to accounts of other tenants is allowed");
    }

    private static bool Flag(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

    private static JsonElement? Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
