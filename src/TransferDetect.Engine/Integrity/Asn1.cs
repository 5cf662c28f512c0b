using System;
using System.Security.Cryptography;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// The little DER reading RSA public keys need (netstandard2.0 has no ImportRSAPublicKey):
/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (PKCS#1), and
/// SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { OID, params }, BIT STRING } around it.
/// </summary>
internal static class Asn1
{
    private const byte Sequence = 0x30, Integer = 0x02, BitString = 0x03, ObjectId = 0x06;
    private static readonly byte[] RsaEncryptionOid = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };

    public static RSAParameters ReadRsaPublicKey(byte[] der)
    {
        int at = 0;
        var (seqStart, seqLength) = ReadHeader(der, ref at, Sequence, "RSAPublicKey");
        if (seqStart + seqLength != der.Length) throw new CryptographicException("bytes after the RSAPublicKey sequence");
        byte[] modulus = ReadUnsignedInteger(der, ref at, "modulus");
        byte[] exponent = ReadUnsignedInteger(der, ref at, "publicExponent");
        if (at != der.Length) throw new CryptographicException("unexpected content after publicExponent");
        if (modulus.Length < 64) throw new CryptographicException($"the modulus is {modulus.Length * 8} bits: not an RSA signing key");
        return new RSAParameters { Modulus = modulus, Exponent = exponent };
    }

    /// <summary>The RSAPublicKey inside a SubjectPublicKeyInfo, or null when <paramref name="der"/> is not one.</summary>
    public static byte[]? UnwrapSubjectPublicKeyInfo(byte[] der)
    {
        int at = 0;
        ReadHeader(der, ref at, Sequence, "public key");
        if (at >= der.Length || der[at] != Sequence) return null; // PKCS#1 has an INTEGER here
        var (algStart, algLength) = ReadHeader(der, ref at, Sequence, "AlgorithmIdentifier");
        int inner = algStart;
        var (oidStart, oidLength) = ReadHeader(der, ref inner, ObjectId, "algorithm");
        if (!Equal(der, oidStart, oidLength, RsaEncryptionOid)) throw new CryptographicException("the key is not an RSA key");
        at = algStart + algLength;
        var (bitsStart, bitsLength) = ReadHeader(der, ref at, BitString, "subjectPublicKey");
        if (bitsLength < 1 || der[bitsStart] != 0) throw new CryptographicException("the subjectPublicKey bit string has unused bits");
        var key = new byte[bitsLength - 1];
        Buffer.BlockCopy(der, bitsStart + 1, key, 0, key.Length);
        return key;
    }

    private static byte[] ReadUnsignedInteger(byte[] der, ref int at, string what)
    {
        var (start, length) = ReadHeader(der, ref at, Integer, what);
        if (length == 0) throw new CryptographicException($"the {what} is empty");
        if ((der[start] & 0x80) != 0) throw new CryptographicException($"the {what} is negative");
        int skip = 0;
        while (skip < length - 1 && der[start + skip] == 0) skip++;
        var value = new byte[length - skip];
        Buffer.BlockCopy(der, start + skip, value, 0, value.Length);
        at = start + length;
        return value;
    }

    /// <summary>Reads a tag and a definite length; returns where the content starts and its length, and moves past the header.</summary>
    private static (int Start, int Length) ReadHeader(byte[] der, ref int at, byte tag, string what)
    {
        if (at >= der.Length || der[at] != tag) throw new CryptographicException($"expected the {what} (tag 0x{tag:x2}) at byte {at}");
        at++;
        if (at >= der.Length) throw new CryptographicException($"the {what} is cut short");
        int length = der[at++];
        if (length >= 0x80)
        {
            int n = length & 0x7f;
            if (n == 0 || n > 4) throw new CryptographicException($"the {what} has an unsupported length encoding");
            length = 0;
            for (int i = 0; i < n; i++)
            {
                if (at >= der.Length) throw new CryptographicException($"the {what} is cut short");
                length = (length << 8) | der[at++];
            }
            if (length < 0) throw new CryptographicException($"the {what} is too long");
        }
        if (length > der.Length - at) throw new CryptographicException($"the {what} is longer ({length} bytes) than the data left");
        return (at, length);
    }

    private static bool Equal(byte[] der, int start, int length, byte[] expected)
    {
        if (length != expected.Length) return false;
        for (int i = 0; i < length; i++) if (der[start + i] != expected[i]) return false;
        return true;
    }
}
