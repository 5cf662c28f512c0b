using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>One request as the fake received it, with the AWS operation it names.</summary>
internal sealed record FakeRequest(string Service, string Operation, string Method, string Path, string Query,
    IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

internal sealed class FakeResponse
{
    public int Status { get; init; } = 200;
    public byte[] Body { get; init; } = Array.Empty<byte>();
    public string ContentType { get; init; } = "application/json";
    public Dictionary<string, string> Headers { get; } = new();

    public static FakeResponse Json(string json, int status = 200) => new() { Status = status, Body = Encoding.UTF8.GetBytes(json), ContentType = "application/x-amz-json-1.1" };
    public static FakeResponse Xml(string xml, int status = 200) => new() { Status = status, Body = Encoding.UTF8.GetBytes(xml), ContentType = "text/xml" };
}

/// <summary>
/// Kestrel on 127.0.0.1:0 answering as AWS services do (the handler speaks the wire format). Every request is
/// recorded with the operation it names: X-Amz-Target (JSON 1.1), Action (EC2/STS query), or the S3 REST shape.
/// </summary>
internal sealed class FakeAwsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    private FakeAwsServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<FakeAwsServer> StartAsync(Func<FakeRequest, FakeResponse> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeAwsServer? self = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            byte[] body = buffer.ToArray();
            var (service, operation) = Classify(context.Request, headers, body);
            var request = new FakeRequest(service, operation, context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "", headers, body);
            self!.Requests.Enqueue(request);
            FakeResponse response;
            try
            {
                response = handler(request);
            }
            catch (Exception e)
            {
                response = FakeResponse.Json("{\"__type\":\"FakeFailure\",\"message\":\"" + e.Message.Replace("\"", "'") + "\"}", 500);
            }
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            foreach (var h in response.Headers) context.Response.Headers[h.Key] = h.Value;
            if (context.Request.Method != "HEAD") await context.Response.Body.WriteAsync(response.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeAwsServer(app, new Uri(address.Replace("[::]", "127.0.0.1") + "/"));
        return self;
    }

    /// <summary>The service and operation a request names.</summary>
    private static (string Service, string Operation) Classify(HttpRequest request, Dictionary<string, string> headers, byte[] body)
    {
        if (headers.TryGetValue("x-amz-target", out var target))
        {
            int dot = target.IndexOf('.');
            return (target.Substring(0, Math.Max(0, dot)), target.Substring(dot + 1));
        }
        string auth = headers.TryGetValue("authorization", out var a) ? a : "";
        string scopeService = auth.Split('/').Length > 3 ? auth.Split('/')[3] : "";
        if (request.Method == "POST" && (headers.TryGetValue("content-type", out var ct) && ct.StartsWith("application/x-www-form-urlencoded")))
        {
            var form = System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
            return (scopeService, form["Action"] ?? "");
        }
        return ("s3", S3Operation(request));
    }

    private static string S3Operation(HttpRequest request)
    {
        var q = request.Query;
        string path = request.Path.Value?.Trim('/') ?? "";
        bool bucketOnly = path.Length > 0 && !path.Contains('/');
        if (request.Method == "GET" && path.Length == 0) return "ListBuckets";
        if (request.Method == "GET" && bucketOnly)
        {
            if (q.ContainsKey("policy")) return "GetBucketPolicy";
            if (q.ContainsKey("acl")) return "GetBucketAcl";
            if (q.ContainsKey("replication")) return "GetBucketReplication";
            if (q.ContainsKey("location")) return "GetBucketLocation";
            if (q.ContainsKey("list-type")) return "ListObjectsV2";
            return "ListObjects";
        }
        if (request.Method == "GET") return q.ContainsKey("acl") ? "GetObjectAcl" : "GetObject";
        if (request.Method == "HEAD") return bucketOnly ? "HeadBucket" : "HeadObject";
        return request.Method + " " + path + request.QueryString;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
