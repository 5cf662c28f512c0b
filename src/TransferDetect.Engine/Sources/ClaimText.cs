using System;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace TransferDetect.Engine.Sources;

/// <summary>What the operation values of a record, read from its bytes, say about it.</summary>
internal enum OperationValues
{
    /// <summary>Some operation value could not be read cleanly (an escape, another type, an odd shape), or there is none: look at the whole record.</summary>
    Unknown,

    /// <summary>Every operation value was read and none can be a share.</summary>
    NoShare,

    /// <summary>An operation value may name a share (a fragment of one, or text the byte test cannot judge).</summary>
    MaybeShare,
}

/// <summary>
/// Byte-level helpers of the claims: case-insensitive fragment search and a small reader of the JSON
/// text around a key (whitespace, a string without escapes). No allocation. A string in "escaped" mode
/// is a JSON text inside a JSON string (Search-UnifiedAuditLog's AuditData): its quotes are written <c>\"</c>.
/// </summary>
internal static class ClaimText
{
    /// <summary>A \u escape: a key or a letter may be written with one, so the byte tests cannot judge the record.</summary>
    public static readonly IO.Needle UnicodeEscape = new("\\u"u8);

    /// <summary>
    /// The next operation key of either log (Azure's operationName, OperationNameValue, OperationName, operationname;
    /// M365's Operation, Operations, also as written inside AuditData): all hold "peration", after a quote and an o
    /// in either case. One search finds every one of them; the caller names each by the bytes around it. From
    /// <paramref name="from"/>: false when there is no more; else <paramref name="letter"/> is the byte before
    /// "peration" (the quote before it checked) and <paramref name="from"/> the index just after it.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool NextOperationKey(ReadOnlySpan<byte> json, ref int from, out byte letter)
    {
        while (true)
        {
            int at = Peration.IndexOf(json.Slice(from));
            if (at < 0)
            {
                letter = 0;
                return false;
            }
            int p = from + at;
            from = p + Peration.Length;
            if (p >= 2 && json[p - 2] == (byte)'"')
            {
                letter = json[p - 1];
                return true;
            }
        }
    }

    /// <summary>The length of "peration", which <see cref="NextOperationKey"/> leaves <c>from</c> just after.</summary>
    public const int PerationLength = 8;

    private static readonly IO.Needle Peration = new("peration"u8);

    /// <summary>Does the text hold the lower-case ASCII <paramref name="lowerNeedle"/> in any ASCII case? No allocation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool ContainsIgnoringCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        byte lower = lowerNeedle[0];
        byte upper = lower >= (byte)'a' && lower <= (byte)'z' ? (byte)(lower - 32) : lower;
        int from = 0;
        while (from <= text.Length - lowerNeedle.Length)
        {
            int at = IndexOfEither(text.Slice(from), lower, upper);
            if (at < 0) return false;
            at += from;
            if (at > text.Length - lowerNeedle.Length) return false;
            int j = 1;
            for (; j < lowerNeedle.Length; j++)
            {
                byte c = text[at + j];
                if (c >= (byte)'A' && c <= (byte)'Z') c = (byte)(c + 32);
                if (c != lowerNeedle[j]) break;
            }
            if (j == lowerNeedle.Length) return true;
            from = at + 1;
        }
        return false;
    }

    /// <summary>
    /// The first index of <paramref name="a"/> or <paramref name="b"/> in the text, or -1: the runtime's IndexOfAny, but
    /// compiled with the claims. The runtime's is compiled again, instrumented, once it runs hot, and a scan's decoders
    /// then share its counters for as long as the runtime takes to optimize it, seconds on two busy cores.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static int IndexOfEither(ReadOnlySpan<byte> text, byte a, byte b)
    {
#if NET8_0_OR_GREATER
        int i = 0;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<byte>.Count)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            ref byte start = ref MemoryMarshal.GetReference(text);
            int last = text.Length - Vector256<byte>.Count;
            while (true)
            {
                // The last block may overlap the one before: nothing there was found.
                if (i > last) i = last;
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                uint hits = (Vector256.Equals(v, va) | Vector256.Equals(v, vb)).ExtractMostSignificantBits();
                if (hits != 0) return i + BitOperations.TrailingZeroCount(hits);
                if (i == last) return -1;
                i += Vector256<byte>.Count;
            }
        }
        for (; i < text.Length; i++)
        {
            if (text[i] == a || text[i] == b) return i;
        }
        return -1;
#else
        // Windows PowerShell: no tiering there, and System.Memory's search is vectorized.
        return a == b ? text.IndexOf(a) : text.IndexOfAny(a, b);
#endif
    }

    /// <summary>Does the text hold a byte outside ASCII (text whose case folding the byte test cannot follow)?</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool HasNonAscii(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b >= 0x80) return true;
        }
        return false;
    }

    /// <summary>Moves past JSON whitespace (in escaped mode also the escapes \n, \r, \t).</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static void SkipWhitespace(ReadOnlySpan<byte> json, ref int i, bool escaped)
    {
        while (i < json.Length)
        {
            byte b = json[i];
            if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n')
            {
                // A raw line break cannot be inside a JSON string: in escaped mode it ends the text read.
                if (escaped && b != (byte)' ') return;
                i++;
            }
            else if (escaped && b == (byte)'\\' && i + 1 < json.Length && (json[i + 1] == (byte)'n' || json[i + 1] == (byte)'r' || json[i + 1] == (byte)'t'))
            {
                i += 2;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Is a quote (escaped mode: <c>\"</c>) at <paramref name="i"/>? Moves past it when so.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool TakeQuote(ReadOnlySpan<byte> json, ref int i, bool escaped)
    {
        if (!escaped)
        {
            if (i < json.Length && json[i] == (byte)'"')
            {
                i++;
                return true;
            }
            return false;
        }
        if (i + 1 < json.Length && json[i] == (byte)'\\' && json[i + 1] == (byte)'"')
        {
            i += 2;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Reads a string whose opening quote is at <paramref name="i"/> and that holds no escape; false (nothing
    /// read) for any other value or a string with an escape. <paramref name="value"/> is the text between the quotes.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool ReadPlainString(ReadOnlySpan<byte> json, scoped ref int i, bool escaped, out ReadOnlySpan<byte> value)
    {
        value = default;
        int at = i;
        if (!TakeQuote(json, ref at, escaped)) return false;
        var rest = json.Slice(at);
        int end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0) return false;
        if (!escaped)
        {
            if (rest[end] != (byte)'"') return false;
            value = rest.Slice(0, end);
            i = at + end + 1;
            return true;
        }
        // Escaped mode: the string ends at \" ; a raw quote, or any other escape, is not plain text.
        if (rest[end] != (byte)'\\' || end + 1 >= rest.Length || rest[end + 1] != (byte)'"') return false;
        value = rest.Slice(0, end);
        i = at + end + 2;
        return true;
    }

    /// <summary>Moves past the colon after a key (and the whitespace around it); false when there is none.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool TakeColon(ReadOnlySpan<byte> json, ref int i, bool escaped)
    {
        SkipWhitespace(json, ref i, escaped);
        if (i >= json.Length || json[i] != (byte)':') return false;
        i++;
        SkipWhitespace(json, ref i, escaped);
        return true;
    }
}
