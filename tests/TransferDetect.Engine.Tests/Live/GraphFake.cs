using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>
/// A fake of Microsoft Graph v1.0 in its wire format: sites (getAllSites), site drives, users and their
/// OneDrive (404 when there is none), drive delta pages (@odata.nextLink then @odata.deltaLink) and item
/// permissions. nextLinks name the fake's own https address, as Graph names its own host.
/// </summary>
public sealed class GraphFake
{
    public const string Token = "graph-token";
    public const string FinanceDrive = "b!finance";
    public const string AliceDrive = "b!alice";

    /// <summary>(path fragment, page) -> (status, times; 0 = always, Retry-After).</summary>
    public Dictionary<(string, int), (int Status, int Times, int? RetryAfter)> Failures { get; } = new();
    private readonly Dictionary<(string, int), int> _attempts = new();
    public bool RefuseToken { get; set; }

    public int Attempts(string fragment, int page)
    {
        lock (_attempts) return _attempts.TryGetValue((fragment, page), out var a) ? a : 0;
    }

    private static JsonNode Item(string id, string name, bool shared, bool folder = false, string site = "https://contoso.sharepoint.com/sites/finance/Shared%20Documents") => JsonNode.Parse(
        $$$"""{"id":"{{{id}}}","name":"{{{name}}}","webUrl":"{{{site}}}/{{{name}}}"{{{(shared ? ""","shared":{"scope":"users"}""" : "")}}}{{{(folder ? ""","folder":{"childCount":1}""" : ""","file":{"mimeType":"application/pdf"}""")}}}}""")!;

    /// <summary>Drive id -> delta pages.</summary>
    public Dictionary<string, List<JsonNode[]>> Delta { get; } = new()
    {
        [FinanceDrive] = new()
        {
            new[] { JsonNode.Parse("""{"id":"root","name":"root","root":{},"folder":{"childCount":3}}""")!, Item("i-budget", "budget.xlsx", shared: true), Item("i-plain", "plain.docx", shared: false) },
            new[] { Item("i-board", "board", shared: true, folder: true), JsonNode.Parse("""{"id":"i-gone","deleted":{"state":"deleted"},"shared":{"scope":"anonymous"}}""")! },
        },
        [AliceDrive] = new()
        {
            new[] { Item("i-cv", "cv.pdf", shared: true, site: "https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents") },
        },
    };

    public Dictionary<string, string> Permissions { get; } = new()
    {
        ["i-budget"] = """
            {"value":[
              {"id":"p-anyone","roles":["read"],"link":{"scope":"anonymous","type":"view","webUrl":"https://contoso.sharepoint.com/:x:/s/finance/abc"},"hasPassword":false},
              {"id":"p-owner","roles":["owner"],"grantedToV2":{"user":{"displayName":"Alice","email":"alice@contoso.com","id":"u-alice"}}},
              {"id":"p-org","roles":["read"],"link":{"scope":"organization","type":"view"}}
            ]}
            """,
        ["i-board"] = """
            {"value":[
              {"id":"p-people","roles":["write"],"link":{"scope":"users","type":"edit"},"grantedToIdentitiesV2":[
                {"user":{"displayName":"Bob","email":"bob@fabrikam.com","id":"u-bob"}},
                {"siteUser":{"displayName":"Carol","loginName":"i:0#.f|membership|carol_partner.example#ext#@contoso.onmicrosoft.com"}},
                {"user":{"displayName":"Dan","email":"dan@contoso.com","id":"u-dan"}}]}
            ]}
            """,
        ["i-cv"] = """
            {"value":[
              {"id":"p-invite","roles":["read"],"invitation":{"email":"eve@gmail.com","signInRequired":true},"grantedToV2":{"user":{"displayName":"eve@gmail.com","email":"eve@gmail.com"}}}
            ]}
            """,
    };

    public async Task Handle(HttpContext ctx)
    {
        string path = ctx.Request.Path.Value ?? "";
        string self = $"https://{ctx.Request.Host}/v1.0";
        if (RefuseToken || ctx.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            await LoopbackFake.WriteJson(ctx, """{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}""", 401);
            return;
        }
        if (path.EndsWith("/sites/getAllSites()", StringComparison.Ordinal) || path.EndsWith("/sites/getAllSites", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, """{"value":[{"id":"contoso.sharepoint.com,s1,w1","webUrl":"https://contoso.sharepoint.com/sites/finance","displayName":"Finance"}]}""");
            return;
        }
        if (path.EndsWith("/sites/contoso.sharepoint.com,s1,w1/drives", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, $$"""{"value":[{"id":"{{FinanceDrive}}","driveType":"documentLibrary","name":"Documents","webUrl":"https://contoso.sharepoint.com/sites/finance/Shared%20Documents"}]}""");
            return;
        }
        if (path.EndsWith("/v1.0/users", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, """{"value":[{"id":"u-alice","userPrincipalName":"alice@contoso.com"},{"id":"u-room","userPrincipalName":"room1@contoso.com"}]}""");
            return;
        }
        if (path.EndsWith("/users/u-alice/drive", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, $$"""{"id":"{{AliceDrive}}","driveType":"business","name":"OneDrive","webUrl":"https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents"}""");
            return;
        }
        if (path.EndsWith("/users/u-room/drive", StringComparison.Ordinal))
        {
            await LoopbackFake.WriteJson(ctx, """{"error":{"code":"itemNotFound","message":"Item not found"}}""", 404);
            return;
        }
        foreach (var (drive, pages) in Delta)
        {
            if (!path.Contains($"/drives/{drive}/items/root/delta", StringComparison.Ordinal)) continue;
            int page = int.TryParse(ctx.Request.Query["token"], out var t) ? t : 1;
            if (Fail(ctx, drive + "/delta", page) is Task failed)
            {
                await failed;
                return;
            }
            var body = new JsonObject { ["value"] = new JsonArray(pages[page - 1].Select(n => n.DeepClone()).ToArray()) };
            if (page < pages.Count) body["@odata.nextLink"] = $"{self}/drives/{drive}/items/root/delta?token={page + 1}";
            else body["@odata.deltaLink"] = $"{self}/drives/{drive}/items/root/delta?token=latest-{drive}";
            await LoopbackFake.WriteJson(ctx, body.ToJsonString());
            return;
        }
        foreach (var (item, json) in Permissions)
        {
            if (path.EndsWith($"/items/{item}/permissions", StringComparison.Ordinal))
            {
                await LoopbackFake.WriteJson(ctx, json);
                return;
            }
        }
        await LoopbackFake.WriteJson(ctx, """{"value":[]}""");
    }

    private Task? Fail(HttpContext ctx, string fragment, int page)
    {
        int attempt;
        lock (_attempts) attempt = _attempts[(fragment, page)] = _attempts.TryGetValue((fragment, page), out var a) ? a + 1 : 1;
        if (!Failures.TryGetValue((fragment, page), out var f) || (f.Times != 0 && attempt > f.Times)) return null;
        if (f.RetryAfter is int s) ctx.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return LoopbackFake.WriteJson(ctx, $$$"""{"error":{"code":"{{{(f.Status == 429 ? "activityLimitReached" : "generalException")}}}","message":"scripted {{{f.Status}}}"}}""", f.Status);
    }
}
