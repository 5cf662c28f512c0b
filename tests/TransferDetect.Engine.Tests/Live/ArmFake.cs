using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>
/// A fake of Azure Resource Manager in its wire format: the Activity Log list (value[] + nextLink,
/// paged by a skipToken), disks, snapshots, galleries, generic resources and GET by id. Tests script
/// failures per page: a status (with Retry-After) for the first N attempts or for all of them.
/// </summary>
public sealed class ArmFake
{
    public const string Subscription = "d5b7e1c2-3f4a-4b6c-9d8e-0f1a2b3c4d5e";
    public const string Tenant = "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70";
    public const string ForeignTenant = "0b0b0b0b-1111-4222-8333-444455556666";
    public const string ExpiredToken = "expired-token";

    public List<JsonNode> ActivityRecords { get; } = new();
    public int PageSize { get; set; } = 4;

    /// <summary>Activity Log page number (1-based) -> (status, times; 0 = always, Retry-After seconds).</summary>
    public Dictionary<int, (int Status, int Times, int? RetryAfter)> ActivityFailures { get; } = new();
    private readonly Dictionary<int, int> _attempts = new();

    /// <summary>Path (lower case) -> list pages (each a JSON array of items) or a single resource (GET by id).</summary>
    public Dictionary<string, List<JsonArray>> Lists { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, JsonNode> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, int> FailingPaths { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task Handle(HttpContext ctx)
    {
        string? auth = ctx.Request.Headers.Authorization;
        if (auth == "Bearer " + ExpiredToken)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The access token has expired.\"";
            await LoopbackFake.WriteJson(ctx, """{"error":{"code":"ExpiredAuthenticationToken","message":"The access token expiry UTC time '11/10/2026 10:00:00 AM' is earlier than current UTC time."}}""", 401);
            return;
        }
        if (auth == null || !auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, """{"error":{"code":"AuthenticationFailed","message":"Authentication failed. The 'Authorization' header is missing."}}""", 401);
            return;
        }
        string path = ctx.Request.Path.Value ?? "";
        if (path.EndsWith("/providers/Microsoft.Insights/eventtypes/management/values", StringComparison.OrdinalIgnoreCase))
        {
            await ActivityPage(ctx);
            return;
        }
        if (FailingPaths.TryGetValue(path, out int failing))
        {
            await LoopbackFake.WriteJson(ctx, $$$"""{"error":{"code":"Failure","message":"scripted failure of {{{path}}}"}}""", failing);
            return;
        }
        if (Lists.TryGetValue(path, out var pages))
        {
            int page = int.TryParse(ctx.Request.Query["page"], out var p) ? p : 1;
            var body = new JsonObject { ["value"] = pages[page - 1].DeepClone() };
            if (page < pages.Count) body["nextLink"] = $"https://management.azure.com{path}?{Keep(ctx, "api-version", "$filter")}page={page + 1}";
            await LoopbackFake.WriteJson(ctx, body.ToJsonString());
            return;
        }
        if (Resources.TryGetValue(path, out var resource))
        {
            await LoopbackFake.WriteJson(ctx, resource.ToJsonString());
            return;
        }
        await LoopbackFake.WriteJson(ctx, $$$"""{"error":{"code":"ResourceNotFound","message":"{{{path}}} was not found."}}""", 404);
    }

    private static string Keep(HttpContext ctx, params string[] names)
    {
        var parts = names.Where(n => ctx.Request.Query.ContainsKey(n)).Select(n => $"{n}={Uri.EscapeDataString(ctx.Request.Query[n]!)}&");
        return string.Concat(parts);
    }

    private async Task ActivityPage(HttpContext ctx)
    {
        int page = int.TryParse(ctx.Request.Query["$skipToken"], out var p) ? p : 1;
        lock (_attempts) _attempts[page] = _attempts.TryGetValue(page, out var a) ? a + 1 : 1;
        if (ActivityFailures.TryGetValue(page, out var f) && (f.Times == 0 || _attempts[page] <= f.Times))
        {
            if (f.RetryAfter is int seconds) ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string code = f.Status == 429 ? "TooManyRequests" : "InternalServerError";
            await LoopbackFake.WriteJson(ctx, $$$"""{"error":{"code":"{{{code}}}","message":"scripted {{{f.Status}}}"}}""", f.Status);
            return;
        }
        var slice = ActivityRecords.Skip((page - 1) * PageSize).Take(PageSize).Select(r => r.DeepClone()).ToArray();
        var body = new JsonObject { ["value"] = new JsonArray(slice) };
        if (page * PageSize < ActivityRecords.Count)
        {
            // The documented nextLink: the same query with a $skipToken, on ARM's public host.
            body["nextLink"] = $"https://management.azure.com{ctx.Request.Path}?api-version=2015-04-01&$filter={Uri.EscapeDataString(ctx.Request.Query["$filter"]!)}&$skipToken={page + 1}";
        }
        await LoopbackFake.WriteJson(ctx, body.ToJsonString());
    }

    public int Attempts(int page)
    {
        lock (_attempts) return _attempts.TryGetValue(page, out var a) ? a : 0;
    }

    public static IEnumerable<JsonNode> Load(string file) => JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(n => n!.DeepClone());

    private const string Sub = Subscription;
    private static string Rg => $"/subscriptions/{Sub}/resourceGroups/rg-finance/providers";

    /// <summary>A subscription with an exported disk, a frozen snapshot export, a gallery shared with a foreign tenant, a community gallery and a storage account open to public access and cross-tenant replication.</summary>
    public static ArmFake WithState()
    {
        var arm = new ArmFake();
        JsonNode Disk(string name, string state) => JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Compute/disks/{{{{{name}}}}}","name":"{{{{{name}}}}}","location":"westeurope","properties":{"diskState":"{{{{{state}}}}}","diskSizeGB":128}}""")!;
        arm.Lists[$"/subscriptions/{Sub}/providers/Microsoft.Compute/disks"] = new()
        {
            new JsonArray(Disk("disk-attached", "Attached"), Disk("disk-exported", "ActiveSAS")),
            new JsonArray(Disk("disk-idle", "Unattached")),
        };
        arm.Lists[$"/subscriptions/{Sub}/providers/Microsoft.Compute/snapshots"] = new()
        {
            new JsonArray(JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Compute/snapshots/snap-db","name":"snap-db","location":"westeurope","properties":{"diskState":"ActiveSASFrozen"}}""")!),
        };
        arm.Lists[$"/subscriptions/{Sub}/providers/Microsoft.Compute/galleries"] = new()
        {
            new JsonArray(
                JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Compute/galleries/private","name":"private","location":"westeurope","properties":{"sharingProfile":{"permissions":"Private"}}}""")!,
                JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Compute/galleries/partners","name":"partners","location":"westeurope","properties":{"sharingProfile":{"permissions":"Groups"}}}""")!,
                JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Compute/galleries/community","name":"community","location":"westeurope","properties":{"sharingProfile":{"permissions":"Community","communityGalleryInfo":{"publicNames":["x"]}}}}""")!),
        };
        arm.Resources[$"{Rg}/Microsoft.Compute/galleries/partners"] = JsonNode.Parse($$$$$"""
            {"id":"{{{{{Rg}}}}}/Microsoft.Compute/galleries/partners","name":"partners","location":"westeurope",
             "properties":{"sharingProfile":{"permissions":"Groups","groups":[
               {"type":"AADTenants","ids":["{{{{{Tenant}}}}}","{{{{{ForeignTenant}}}}}"]}]}}}
            """)!;
        arm.Lists[$"/subscriptions/{Sub}/resources"] = new()
        {
            new JsonArray(
                JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Storage/storageAccounts/stpublic","type":"Microsoft.Storage/storageAccounts","name":"stpublic"}""")!,
                JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Storage/storageAccounts/stlocked","type":"Microsoft.Storage/storageAccounts","name":"stlocked"}""")!),
        };
        arm.Resources[$"{Rg}/Microsoft.Storage/storageAccounts/stpublic"] = JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Storage/storageAccounts/stpublic","location":"westeurope","properties":{"allowBlobPublicAccess":true,"allowCrossTenantReplication":true}}""")!;
        arm.Resources[$"{Rg}/Microsoft.Storage/storageAccounts/stlocked"] = JsonNode.Parse($$$$$"""{"id":"{{{{{Rg}}}}}/Microsoft.Storage/storageAccounts/stlocked","location":"westeurope","properties":{"allowBlobPublicAccess":false,"allowCrossTenantReplication":false}}""")!;
        return arm;
    }

}
