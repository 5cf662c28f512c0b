using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>The credentials one request is signed with (the SDK's resolved, immutable credentials).</summary>
internal sealed class AwsSigningCredentials
{
    public AwsSigningCredentials(string accessKeyId, string secretAccessKey, string? sessionToken)
    {
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    public string AccessKeyId { get; }
    public string SecretAccessKey { get; }
    public string? SessionToken { get; }

    /// <summary>Never the secret: the key id only.</summary>
    public override string ToString() => AccessKeyId;
}

/// <summary>
/// AWS Signature Version 4 for a request to a non-S3 service (path segments encoded twice, the payload
/// hashed, the session token signed as X-Amz-Security-Token). Checked against AWS's published test suite
/// (aws-sig-v4-test-suite: get-vanilla, post-vanilla, post-vanilla-query, post-x-www-form-urlencoded,
/// get-header-value-trim, post-sts-header-before).
/// </summary>
internal static class AwsSigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The headers to add to the request (X-Amz-Date, X-Amz-Security-Token when there is one, Authorization).</summary>
    /// <param name="headers">The other headers to sign (name, value), without Host and X-Amz-Date.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers,
        byte[] body, AwsSigningCredentials credentials, string region, string service, DateTime utcNow)
    {
        string amzDate = utcNow.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate.Substring(0, 8);
        var signed = new List<KeyValuePair<string, string>>(headers)
        {
            new("host", HostHeader(uri)),
            new("x-amz-date", amzDate),
        };
        if (credentials.SessionToken != null) signed.Add(new("x-amz-security-token", credentials.SessionToken));
        var canonical = CanonicalRequest(method, uri, signed, Hex(Sha256(body)), out string signedHeaders);
        string scope = $"{date}/{region}/{service}/aws4_request";
        string stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(Sha256(Encoding.UTF8.GetBytes(canonical)))}";
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        string signature = Hex(Hmac(key, stringToSign));
        var result = new List<KeyValuePair<string, string>> { new("X-Amz-Date", amzDate) };
        if (credentials.SessionToken != null) result.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        result.Add(new("Authorization", $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}"));
        return result;
    }

    /// <summary>The Host header as the client sends it: the port only when it is not the scheme's default.</summary>
    public static string HostHeader(Uri uri) => uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);

    internal static string CanonicalRequest(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        var sorted = headers
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, string>(g.Key, string.Join(",", g.Select(h => CanonicalHeaderValue(h.Value)))))
            .ToList();
        signedHeaders = string.Join(";", sorted.Select(h => h.Key));
        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n');
        sb.Append(CanonicalPath(uri.AbsolutePath)).Append('\n');
        sb.Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var h in sorted) sb.Append(h.Key).Append(':').Append(h.Value).Append('\n');
        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    /// <summary>Trimmed, runs of spaces collapsed to one.</summary>
    private static string CanonicalHeaderValue(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c == ' ' || c == '\t')
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Each segment (as the URI holds it, already encoded once) encoded again; "/" when empty.</summary>
    private static string CanonicalPath(string absolutePath)
    {
        if (string.IsNullOrEmpty(absolutePath) || absolutePath == "/") return "/";
        return string.Join("/", absolutePath.Split('/').Select(s => UriEncode(s)));
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return "";
        var pairs = query.TrimStart('?').Split('&').Where(p => p.Length > 0).Select(p =>
        {
            int eq = p.IndexOf('=');
            string k = Uri.UnescapeDataString(eq < 0 ? p : p.Substring(0, eq));
            string v = eq < 0 ? "" : Uri.UnescapeDataString(p.Substring(eq + 1));
            return (Key: UriEncode(k), Value: UriEncode(v));
        });
        return string.Join("&", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>RFC 3986 encoding of everything but the unreserved characters, upper-case hex.</summary>
    internal static string UriEncode(string text)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    internal static byte[] Sha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
    }

    private static byte[] Hmac(byte[] key, string data)
    {
        using var h = new HMACSHA256(key);
        return h.ComputeHash(Encoding.UTF8.GetBytes(data));
    }

    internal static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
