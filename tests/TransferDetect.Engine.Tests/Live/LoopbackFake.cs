using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>One request as the fake saw it.</summary>
public sealed record FakeRequest(string Method, string Path, string Query, string? Authorization, DateTime At);

/// <summary>
/// An in-process HTTP server on 127.0.0.1:0 (Kestrel) that answers with whatever the test's handler
/// writes and records every request: the fakes of ARM, Blob, Graph and the managed-identity endpoint.
/// </summary>
public sealed class LoopbackFake : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackFake(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public static async Task<LoopbackFake> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LoopbackFake? fake = null;
        app.Run(async ctx =>
        {
            fake!.Requests.Enqueue(new FakeRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", Uri.UnescapeDataString(ctx.Request.QueryString.Value ?? ""),
                ctx.Request.Headers.Authorization.Count > 0 ? ctx.Request.Headers.Authorization.ToString() : null, DateTime.UtcNow));
            await handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new LoopbackFake(app, new Uri(address.TrimEnd('/') + "/"));
        return fake;
    }

    public static Task WriteJson(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
