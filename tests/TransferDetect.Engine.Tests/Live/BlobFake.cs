using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>
/// A fake of Azure Blob storage (path-style, as for an IP host: /{account}/{container}): List Blobs
/// (XML EnumerationResults with prefix and NextMarker paging) and Get Blob.
/// </summary>
public sealed class BlobFake
{
    public const string Account = "stlogs";
    public const string Container = "insights-activity-logs";
    public SortedDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Failing { get; } = new();
    public int PageSize { get; set; } = 2;

    public async Task Handle(HttpContext ctx)
    {
        string path = Uri.UnescapeDataString(ctx.Request.Path.Value ?? "");
        string root = $"/{Account}/{Container}";
        if (path == root && ctx.Request.Query["comp"] == "list")
        {
            string prefix = ctx.Request.Query["prefix"].ToString();
            string marker = ctx.Request.Query["marker"].ToString();
            var names = Blobs.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(n, marker) >= 0).ToList();
            var page = names.Take(PageSize).ToList();
            string? next = names.Count > PageSize ? names[PageSize] : null;
            var xml = new StringBuilder();
            xml.Append("""<?xml version="1.0" encoding="utf-8"?>""");
            xml.Append($"""<EnumerationResults ServiceEndpoint="http://{ctx.Request.Host}/{Account}/" ContainerName="{Container}"><Prefix>{WebUtility.HtmlEncode(prefix)}</Prefix><Blobs>""");
            foreach (var n in page)
            {
                xml.Append($"""<Blob><Name>{WebUtility.HtmlEncode(n)}</Name><Properties><Last-Modified>Mon, 02 Nov 2026 16:00:00 GMT</Last-Modified><Etag>0x8D{Blobs[n].Length:X}</Etag><Content-Length>{Blobs[n].Length}</Content-Length><Content-Type>application/json</Content-Type><BlobType>BlockBlob</BlobType><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties></Blob>""");
            }
            xml.Append($"</Blobs><NextMarker>{WebUtility.HtmlEncode(next ?? "")}</NextMarker></EnumerationResults>");
            ctx.Response.ContentType = "application/xml";
            await ctx.Response.WriteAsync(xml.ToString());
            return;
        }
        if (path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            string name = path.Substring(root.Length + 1);
            if (Failing.Contains(name))
            {
                ctx.Response.StatusCode = 500;
                ctx.Response.Headers["x-ms-error-code"] = "InternalError";
                await ctx.Response.WriteAsync("""<?xml version="1.0" encoding="utf-8"?><Error><Code>InternalError</Code><Message>scripted</Message></Error>""");
                return;
            }
            if (Blobs.TryGetValue(name, out var body))
            {
                ctx.Response.ContentType = "application/json";
                ctx.Response.ContentLength = body.Length;
                ctx.Response.Headers.ETag = $"\"0x8D{body.Length:X}\"";
                ctx.Response.Headers.LastModified = "Mon, 02 Nov 2026 16:00:00 GMT";
                ctx.Response.Headers["x-ms-blob-type"] = "BlockBlob";
                ctx.Response.Headers["Content-MD5"] = Convert.ToBase64String(MD5.HashData(body));
                await ctx.Response.Body.WriteAsync(body);
                return;
            }
        }
        ctx.Response.StatusCode = 404;
        ctx.Response.Headers["x-ms-error-code"] = "BlobNotFound";
    }

    public static string HourBlob(string subscription, DateTime hour) =>
        $"resourceId=/SUBSCRIPTIONS/{subscription.ToUpperInvariant()}/y={hour:yyyy}/m={hour:MM}/d={hour:dd}/h={hour:HH}/m=00/PT1H.json";
}
