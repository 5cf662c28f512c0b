using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>One page of an ARM list: its body (buffered by the pipeline, one page at a time) and the next page's address.</summary>
internal sealed class ArmPage
{
    public ArmPage(int number, Uri uri, BinaryData body, Uri? next)
    {
        Number = number;
        Uri = uri;
        Body = body;
        Next = next;
    }

    public int Number { get; }
    public Uri Uri { get; }
    public BinaryData Body { get; }
    public Uri? Next { get; }
}

/// <summary>An ARM request that failed after the pipeline's retries.</summary>
internal sealed class ArmRequestException : Exception
{
    public ArmRequestException(int status, string? code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public int Status { get; }
    public string? Code { get; }
    public bool IsAuthentication => Status == 401;
}

/// <summary>
/// Reads Azure Resource Manager through an Azure.Core <see cref="HttpPipeline"/>: bearer tokens for
/// <c>{audience}/.default</c> from the chosen credential, Azure.Core's retry policy (429 and 5xx, honouring
/// Retry-After), GET only. Lists are followed page by page through nextLink, one page in memory at a time.
/// </summary>
internal sealed class ArmClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _credentialDescription;
    private readonly int _retries;

    private sealed class ArmClientOptions : ClientOptions
    {
    }

    public ArmClient(AzureLiveOptions options)
    {
        _endpoint = LoopbackHttpHandler.ForSdk(options.ArmEndpoint, "Resource Manager");
        var credential = AzureCredentials.Create(options, out _credentialDescription);
        var clientOptions = new ArmClientOptions();
        _retries = Math.Max(0, options.MaxRetries);
        clientOptions.Retry.MaxRetries = _retries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Diagnostics.ApplicationId = "TransferDetect";
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        var handler = LoopbackHttpHandler.For(options.ArmEndpoint);
        if (handler != null) clientOptions.Transport = new HttpClientTransport(new HttpClient(handler));
        string audience = options.ArmAudience ?? (LoopbackHttpHandler.IsPlainLoopback(options.ArmEndpoint)
            ? "https://management.azure.com"
            : options.ArmEndpoint.GetLeftPart(UriPartial.Authority));
        _pipeline = HttpPipelineBuilder.Build(clientOptions, new BearerTokenAuthenticationPolicy(credential, audience.TrimEnd('/') + "/.default"));
    }

    public string CredentialDescription => _credentialDescription;

    /// <summary>The absolute address of an ARM path with its query (the path starts with '/').</summary>
    public Uri Address(string pathAndQuery) => new(_endpoint, pathAndQuery);

    /// <summary>One GET; the body of a 2xx answer, or <see cref="ArmRequestException"/> / <see cref="AzureLiveException"/> (sign-in).</summary>
    public BinaryData Get(Uri uri, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        try
        {
            _pipeline.Send(message, cancellationToken);
        }
        catch (AuthenticationFailedException e)
        {
            throw AzureCredentials.SignInFailed("Azure Resource Manager", _credentialDescription, e);
        }
        catch (RequestFailedException e)
        {
            throw new ArmRequestException(e.Status, e.ErrorCode, $"the request failed ({AzureCredentials.FirstLine(e.Message)})");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is RequestFailedException first)
        {
            // The transport failed on every attempt (connection refused, TLS, DNS).
            throw new ArmRequestException(first.Status, first.ErrorCode, $"no answer after {e.InnerExceptions.Count} attempt(s) ({AzureCredentials.FirstLine(first.Message)})");
        }
        var response = message.Response;
        if (response.Status >= 200 && response.Status < 300) return response.Content;
        var (code, text) = ErrorOf(response.Content);
        string status = response.Status.ToString(CultureInfo.InvariantCulture);
        string reason = response.Status switch
        {
            401 => $"Resource Manager refused the credential ({status}{(code != null ? " " + code : "")}): the token of {_credentialDescription} is expired or invalid for this tenant; sign in again or use -TenantId",
            403 => $"access denied ({status}{(code != null ? " " + code : "")}): the identity needs the Reader role on the subscription",
            429 => $"still throttled (429) after {_retries} retries",
            _ => $"Resource Manager answered {status}{(code != null ? " " + code : "")}",
        };
        if (text != null) reason += ": " + text;
        throw new ArmRequestException(response.Status, code, reason);
    }

    /// <summary>The pages of a list, following nextLink. Each page is requested when the previous one has been used.</summary>
    public IEnumerable<ArmPage> List(Uri first, CancellationToken cancellationToken)
    {
        Uri? next = first;
        int number = 0;
        while (next != null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uri = next;
            var body = Get(uri, cancellationToken);
            number++;
            string? link = NextLinkOf(body);
            next = link == null ? null : Rebase(new Uri(link, UriKind.RelativeOrAbsolute));
            yield return new ArmPage(number, uri, body, next);
        }
    }

    /// <summary>
    /// A nextLink keeps the page's query (skipToken, filter); it is requested on the endpoint this client
    /// talks to (ARM returns its public host even behind a private endpoint or emulator).
    /// </summary>
    private Uri Rebase(Uri link)
    {
        if (!link.IsAbsoluteUri) return new Uri(_endpoint, link);
        var b = new UriBuilder(link) { Scheme = _endpoint.Scheme, Host = _endpoint.Host, Port = _endpoint.Port };
        return b.Uri;
    }

    /// <summary>The top-level nextLink (or @odata.nextLink) of a page, read without building the page in memory twice.</summary>
    internal static string? NextLinkOf(BinaryData body)
    {
        var reader = new Utf8JsonReader(body.ToMemory().Span, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject) return null;
                if (reader.TokenType != JsonTokenType.PropertyName) return null;
                bool isNext = reader.ValueTextEquals("nextLink") || reader.ValueTextEquals("@odata.nextLink");
                reader.Read();
                if (isNext && reader.TokenType == JsonTokenType.String)
                {
                    string? v = reader.GetString();
                    return string.IsNullOrEmpty(v) ? null : v;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // An unreadable page has no next page; the reader reports the page itself.
        }
        return null;
    }

    private static (string? Code, string? Message) ErrorOf(BinaryData body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToMemory());
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                string? text = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code, text == null ? null : Clip(text));
            }
        }
        catch (JsonException)
        {
        }
        return (null, null);
    }

    private static string Clip(string text) => text.Length > 300 ? text.Substring(0, 300) + "..." : text;
}
