using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// Sends to a local emulator without TLS. The SDKs refuse to put a bearer token on an http:// request,
/// so an http:// loopback endpoint is given to them as https:// and this handler, the last step before
/// the socket, turns it back into http://. It only ever rewrites requests to the loopback address the
/// user named; anything else goes out unchanged.
/// </summary>
internal sealed class LoopbackHttpHandler : DelegatingHandler
{
    private readonly Uri[] _plain;

    private LoopbackHttpHandler(Uri[] plain)
        : base(new HttpClientHandler { AllowAutoRedirect = false })
    {
        _plain = plain;
    }

    /// <summary>True for an http:// endpoint on 127.0.0.0/8, ::1 or localhost.</summary>
    public static bool IsPlainLoopback(Uri endpoint)
    {
        if (!string.Equals(endpoint.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase)) return false;
        if (string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>The endpoint as the SDK must see it: https:// for a plain loopback endpoint; other http:// endpoints are refused.</summary>
    public static Uri ForSdk(Uri endpoint, string what)
    {
        if (string.Equals(endpoint.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase)) return endpoint;
        if (!IsPlainLoopback(endpoint)) throw new ArgumentException($"The {what} endpoint {endpoint} is not https://; only a loopback emulator may be reached over http://.");
        return new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttps, Port = endpoint.Port }.Uri;
    }

    /// <summary>A handler for these endpoints, or null when none is a plain loopback endpoint (then the SDK's default transport is used).</summary>
    public static HttpMessageHandler? For(params Uri?[] endpoints)
    {
        var plain = Array.FindAll(endpoints, e => e != null && IsPlainLoopback(e!));
        return plain.Length == 0 ? null : new LoopbackHttpHandler(Array.ConvertAll(plain, e => e!));
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.SendAsync(request, cancellationToken);
    }

#if NET5_0_OR_GREATER
    /// <summary>Azure.Core's synchronous pipeline sends through here.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.Send(request, cancellationToken);
    }
#endif

    private void Rewrite(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri != null && uri.Scheme == Uri.UriSchemeHttps)
        {
            foreach (var p in _plain)
            {
                if (string.Equals(uri.Host, p.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == p.Port)
                {
                    request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = uri.Port }.Uri;
                    break;
                }
            }
        }
    }
}
