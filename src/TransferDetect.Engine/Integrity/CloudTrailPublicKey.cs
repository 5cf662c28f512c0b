using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// A public key CloudTrail signs digests with: an RSA key as <c>ListPublicKeys</c> returns it (the DER
/// encoding of a PKCS#1 RSAPublicKey), identified by its fingerprint, the hex MD5 of those DER bytes
/// (what a digest's <c>digestPublicKeyFingerprint</c> names).
/// </summary>
public sealed class CloudTrailPublicKey
{
    private readonly byte[] _der;
    private readonly RSAParameters _parameters;

    private CloudTrailPublicKey(byte[] pkcs1Der, RSAParameters parameters, string fingerprint, string? source)
    {
        _der = pkcs1Der;
        _parameters = parameters;
        Fingerprint = fingerprint;
        Source = source;
    }

    /// <summary>The hex fingerprint (lower case) digests name the key by.</summary>
    public string Fingerprint { get; }

    /// <summary>Where the key was read from.</summary>
    public string? Source { get; }

    /// <summary>The modulus size in bits.</summary>
    public int KeySize => (_parameters.Modulus!.Length - (_parameters.Modulus[0] == 0 ? 1 : 0)) * 8;

    /// <summary>The DER bytes of the PKCS#1 RSAPublicKey.</summary>
    public byte[] ToPkcs1Der() => (byte[])_der.Clone();

    /// <summary>The fingerprint of a DER PKCS#1 public key: hex MD5 of its bytes (as CloudTrail computes it).</summary>
    public static string ComputeFingerprint(byte[] pkcs1Der)
    {
        using var md5 = MD5.Create();
        return Hex.Encode(md5.ComputeHash(pkcs1Der));
    }

    /// <summary>
    /// A key from DER bytes: a PKCS#1 RSAPublicKey (what ListPublicKeys returns) or an X.509
    /// SubjectPublicKeyInfo holding one. <paramref name="fingerprint"/> overrides the computed one
    /// (ListPublicKeys returns it beside the key).
    /// </summary>
    public static CloudTrailPublicKey FromDer(byte[] der, string? fingerprint = null, string? source = null)
    {
        if (der == null) throw new ArgumentNullException(nameof(der));
        byte[] pkcs1 = Asn1.UnwrapSubjectPublicKeyInfo(der) ?? der;
        var parameters = Asn1.ReadRsaPublicKey(pkcs1);
        return new CloudTrailPublicKey(pkcs1, parameters,
            string.IsNullOrWhiteSpace(fingerprint) ? ComputeFingerprint(pkcs1) : fingerprint!.Trim().ToLowerInvariant(), source);
    }

    /// <summary>
    /// Reads the keys in a file: the JSON output of <c>aws cloudtrail list-public-keys</c> (every key in
    /// its PublicKeyList, with its Fingerprint), a PEM file (<c>RSA PUBLIC KEY</c> or <c>PUBLIC KEY</c>),
    /// a DER file, or the base64 of the DER bytes (a key's <c>Value</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds no key this understands.</exception>
    public static IReadOnlyList<CloudTrailPublicKey> Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path); // a key file is small; refuse anything large
        if (bytes.Length > 1 << 20) throw new InvalidDataException($"{path} is {bytes.Length:N0} bytes: too large for a public key file.");
        try
        {
            return Parse(bytes, path);
        }
        catch (Exception e) when (e is FormatException || e is JsonException || e is CryptographicException || e is ArgumentException)
        {
            throw new InvalidDataException($"{path} holds no RSA public key that can be read: {e.Message}", e);
        }
    }

    private static IReadOnlyList<CloudTrailPublicKey> Parse(byte[] bytes, string source)
    {
        if (bytes.Length > 0 && bytes[0] == 0x30)
        {
            return new[] { FromDer(bytes, null, source) };
        }
        string text = Encoding.UTF8.GetString(bytes).Trim().TrimStart('\uFEFF');
        if (text.StartsWith("{", StringComparison.Ordinal))
        {
            var keys = new List<CloudTrailPublicKey>();
            using var doc = JsonDocument.Parse(text);
            if (!doc.RootElement.TryGetProperty("PublicKeyList", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("a JSON key file must be the output of 'aws cloudtrail list-public-keys' (a PublicKeyList array)");
            }
            foreach (var k in list.EnumerateArray())
            {
                if (!k.TryGetProperty("Value", out var value) || value.ValueKind != JsonValueKind.String) continue;
                string? fp = k.TryGetProperty("Fingerprint", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                keys.Add(FromDer(Convert.FromBase64String(value.GetString()!), fp, source));
            }
            if (keys.Count == 0) throw new FormatException("its PublicKeyList holds no key Value");
            return keys;
        }
        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            var keys = new List<CloudTrailPublicKey>();
            int at = 0;
            while ((at = text.IndexOf("-----BEGIN ", at, StringComparison.Ordinal)) >= 0)
            {
                int labelEnd = text.IndexOf("-----", at + 11, StringComparison.Ordinal);
                if (labelEnd < 0) break;
                string label = text.Substring(at + 11, labelEnd - at - 11);
                string end = "-----END " + label + "-----";
                int endAt = text.IndexOf(end, labelEnd, StringComparison.Ordinal);
                if (endAt < 0) throw new FormatException($"the PEM block '{label}' has no END line");
                if (label == "RSA PUBLIC KEY" || label == "PUBLIC KEY")
                {
                    string body = text.Substring(labelEnd + 5, endAt - labelEnd - 5);
                    keys.Add(FromDer(Convert.FromBase64String(body), null, source));
                }
                at = endAt + end.Length;
            }
            if (keys.Count == 0) throw new FormatException("no 'RSA PUBLIC KEY' or 'PUBLIC KEY' PEM block");
            return keys;
        }
        return new[] { FromDer(Convert.FromBase64String(text), null, source) };
    }

    /// <summary>Verifies a SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256) signature of <paramref name="data"/>.</summary>
    public bool Verify(byte[] data, byte[] signature)
    {
        using var rsa = RSA.Create();
        rsa.ImportParameters(_parameters);
        try
        {
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false; // a signature of the wrong length, for example
        }
    }

    public override string ToString() => $"RSA {KeySize} {Fingerprint}";
}
