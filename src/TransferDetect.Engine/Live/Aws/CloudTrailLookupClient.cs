using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// CloudTrail LookupEvents over HttpClient: JSON 1.1 (<c>POST /</c>, <c>X-Amz-Target: CloudTrail_20131101.LookupEvents</c>),
/// signed with SigV4, at most <see cref="RequestsPerSecond"/> per region (the documented limit is 2), throttling
/// (429, ThrottlingException) and server errors retried with back-off that honours Retry-After.
/// </summary>
internal sealed class CloudTrailLookupClient : ICloudTrailEventSource
{
    public const string Target = "CloudTrail_20131101.LookupEvents";
    public const string ContentType = "application/x-amz-json-1.1";
    private const int MaxBodyBytes = 64 << 20;

    private readonly HttpClient _http;
    private readonly Func<CancellationToken, Task<AwsSigningCredentials>> _credentials;
    private readonly Func<string, Uri> _endpoint;
    private readonly LiveRetryPolicy _retry;
    private readonly ConcurrentDictionary<string, LiveTokenBucket> _buckets = new(StringComparer.Ordinal);

    public CloudTrailLookupClient(HttpClient http, Func<CancellationToken, Task<AwsSigningCredentials>> credentials, Func<string, Uri> endpoint,
        LiveRetryPolicy? retry = null, double requestsPerSecond = 2)
    {
        _http = http;
        _credentials = credentials;
        _endpoint = endpoint;
        _retry = retry ?? LiveRetryPolicy.Default;
        RequestsPerSecond = requestsPerSecond;
    }

    public double RequestsPerSecond { get; }

    /// <summary>Calls sent, retries included.</summary>
    public int Requests => _requests;
    private int _requests;

    /// <summary>Messages about retries (throttled, waiting), for -Verbose; set by the caller.</summary>
    public Action<string>? Log { get; set; }

    public async Task<CloudTrailEventsPage> LookupEventsAsync(CloudTrailLookupRequest request, CancellationToken cancellationToken)
    {
        byte[] body = Body(request);
        var bucket = _buckets.GetOrAdd(request.Region, _ => new LiveTokenBucket(RequestsPerSecond));
        var uri = _endpoint(request.Region);
        for (int attempt = 1; ; attempt++)
        {
            await bucket.WaitAsync(cancellationToken).ConfigureAwait(false);
            var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            message.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
            foreach (var h in AwsSigV4Signer.Sign("POST", uri, new[]
            {
                new KeyValuePair<string, string>("content-type", ContentType),
                new KeyValuePair<string, string>("x-amz-target", Target),
            }, body, credentials, request.Region, "cloudtrail", DateTime.UtcNow))
            {
                message.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
            Interlocked.Increment(ref _requests);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is HttpRequestException || e is TaskCanceledException || e is IOException) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _retry.MaxAttempts)
                {
                    throw new AwsApiException("LookupEvents", 0, null, $"LookupEvents in {request.Region} got no response after {attempt} attempt(s): {e.Message}", e);
                }
                await Task.Delay(_retry.DelayAfter(attempt, null), cancellationToken).ConfigureAwait(false);
                continue;
            }
            using (response)
            {
                byte[] content = await ReadBody(response).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode) return new CloudTrailEventsPage(content, NextTokenOf(content));
                var (code, text) = ErrorOf(response, content);
                if (AwsErrorCodes.IsRetryable(code, status) && attempt < _retry.MaxAttempts)
                {
                    var wait = _retry.DelayAfter(attempt, RetryAfter(response));
                    Log?.Invoke($"LookupEvents in {request.Region}: HTTP {status} {code}; attempt {attempt} of {_retry.MaxAttempts}, retrying in {wait.TotalSeconds:0.##} s.");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                string detail = AwsErrorCodes.IsCredentialError(code) ? "" : (string.IsNullOrEmpty(text) ? "" : ": " + text);
                string tries = AwsErrorCodes.IsRetryable(code, status) ? $" after {attempt} attempt(s)" : "";
                throw new AwsApiException("LookupEvents", status, code, $"LookupEvents in {request.Region} failed{tries}: HTTP {status} {code}{detail}");
            }
        }
    }

    internal static byte[] Body(CloudTrailLookupRequest request)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (request.EventName != null || request.ReadOnly != null)
            {
                w.WriteStartArray("LookupAttributes");
                w.WriteStartObject();
                if (request.EventName != null)
                {
                    w.WriteString("AttributeKey", "EventName");
                    w.WriteString("AttributeValue", request.EventName);
                }
                else
                {
                    w.WriteString("AttributeKey", "ReadOnly");
                    w.WriteString("AttributeValue", request.ReadOnly == true ? "true" : "false");
                }
                w.WriteEndObject();
                w.WriteEndArray();
            }
            if (request.StartTime is DateTime start) w.WriteNumber("StartTime", ToEpoch(start));
            if (request.EndTime is DateTime end) w.WriteNumber("EndTime", ToEpoch(end));
            w.WriteNumber("MaxResults", request.MaxResults);
            if (request.NextToken != null) w.WriteString("NextToken", request.NextToken);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static long ToEpoch(DateTime t) => (long)(t.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;

    private static async Task<byte[]> ReadBody(HttpResponseMessage response)
    {
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) throw new AwsApiException("LookupEvents", (int)response.StatusCode, null, $"a LookupEvents response is larger than {MaxBodyBytes >> 20} MiB");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The top-level NextToken of a response; null when absent, empty or the body is not JSON.</summary>
    internal static string? NextTokenOf(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isToken = reader.ValueTextEquals("NextToken"u8);
                reader.Read();
                if (isToken && reader.TokenType == JsonTokenType.String)
                {
                    string? token = reader.GetString();
                    return string.IsNullOrEmpty(token) ? null : token;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The reader reports the broken body; no token means no next page, and the issue says so.
        }
        return null;
    }

    /// <summary>The error code (x-amzn-ErrorType header or the body's __type, namespace removed) and message.</summary>
    internal static (string? Code, string? Message) ErrorOf(HttpResponseMessage response, byte[] body)
    {
        string? code = null, text = null;
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            foreach (var v in values)
            {
                code = v.Split(':')[0].Trim();
                break;
            }
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) continue;
                    if (p.NameEquals("__type") && code == null)
                    {
                        string t = p.Value.GetString() ?? "";
                        code = t.Substring(t.LastIndexOf('#') + 1);
                    }
                    else if (string.Equals(p.Name, "message", StringComparison.OrdinalIgnoreCase))
                    {
                        text = p.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page: the status says enough.
        }
        if (code == null && response.StatusCode == (HttpStatusCode)429) code = "TooManyRequestsException";
        if (text != null && text.Length > 300) text = text.Substring(0, 300) + "...";
        return (code, text);
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header == null) return null;
        if (header.Delta is TimeSpan delta) return delta;
        if (header.Date is DateTimeOffset date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
