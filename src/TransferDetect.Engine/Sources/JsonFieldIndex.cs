using System;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TransferDetect.Engine.Sources;

/// <summary>
/// The fields of one JSON object, hashed by name once, for a reader that asks the same object for many names,
/// most of them absent (the Azure reader tries each field under the spelling of every export shape). Each answer
/// is the one <see cref="JsonElementExtensions.Prop(JsonElement, ReadOnlySpan{byte})"/> gives: the last of
/// duplicate names, and default for an absent name or a value that is not an object.
/// </summary>
/// <remarks>
/// <c>JsonElement.TryGetProperty</c> compares the name with every field, from the last, until one matches: an
/// absent name costs a comparison with each field. Here a name costs one hash and, usually, one comparison.
/// The names are the raw bytes of the document; an object with a name that holds an escape (a backslash) is not
/// indexed, and its lookups go to <c>TryGetProperty</c>, which compares unescaped names. Reset and Prop are compiled
/// optimized from their first call, as the reader's other per-record methods are: a record asks some forty names.
/// </remarks>
internal sealed class JsonFieldIndex
{
    /// <summary>Objects with more fields than this are not indexed (slots hold a byte).</summary>
    internal const int MaxFields = 128;

    private JsonElement _object;
    private JsonProperty[] _fields = new JsonProperty[32];
    private int _count;
    // Slot i holds 1 + the index in _fields of the field whose name hashes there (probed linearly), 0 when empty.
    private byte[] _slots = new byte[64];
    private int _mask = -1;

    /// <summary>An index to <see cref="Reset"/> for each object: its tables are kept from one object to the next.</summary>
    public JsonFieldIndex()
    {
    }

    public JsonFieldIndex(JsonElement obj) => Reset(obj);

    /// <summary>Hashes the fields of <paramref name="obj"/> (forgetting the object before).</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public void Reset(JsonElement obj)
    {
        Release();
        _object = obj;
        if (obj.ValueKind != JsonValueKind.Object) return;
        int count = obj.GetPropertyCount();
        if (count > MaxFields) return;
        int size = 16;
        while (size < count * 2) size <<= 1;
        if (_fields.Length < count) _fields = new JsonProperty[Math.Max(count, _fields.Length * 2)];
        if (_slots.Length < size) _slots = new byte[size];
        var fields = _fields;
        var slots = _slots;
        int mask = size - 1;
        int n = 0;
        foreach (var field in obj.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(field);
            if (name.IndexOf((byte)'\\') >= 0)
            {
                // Not hashed after all: TryGetProperty answers (it compares unescaped names).
                Array.Clear(slots, 0, size);
                Array.Clear(fields, 0, n);
                return;
            }
            int slot = (int)Hash(name) & mask;
            while (true)
            {
                int at = slots[slot];
                if (at == 0)
                {
                    slots[slot] = (byte)(n + 1);
                    break;
                }
                if (JsonMarshal.GetRawUtf8PropertyName(fields[at - 1]).SequenceEqual(name))
                {
                    // A duplicate name: the later field wins, as TryGetProperty (which searches from the end) answers.
                    slots[slot] = (byte)(n + 1);
                    break;
                }
                slot = (slot + 1) & mask;
            }
            fields[n++] = field;
        }
        _count = n;
        _mask = mask;
    }

    /// <summary>Forgets the object (and drops the references to its document), keeping the tables for the next.</summary>
    public void Release()
    {
        if (_mask >= 0) Array.Clear(_slots, 0, _mask + 1);
        Array.Clear(_fields, 0, _count);
        _count = 0;
        _mask = -1;
        _object = default;
    }

    /// <summary>Whether the fields are hashed (false: not an object, too many fields, or an escaped name).</summary>
    internal bool Indexed => _mask >= 0;

    /// <summary>The field's value, or default.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public JsonElement Prop(ReadOnlySpan<byte> utf8Name)
    {
        if (_mask < 0) return _object.Prop(utf8Name);
        int slot = (int)Hash(utf8Name) & _mask;
        while (true)
        {
            int at = _slots[slot];
            if (at == 0) return default;
            var field = _fields[at - 1];
            if (JsonMarshal.GetRawUtf8PropertyName(field).SequenceEqual(utf8Name)) return field.Value;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>The first of two spellings present, or default.</summary>
    public JsonElement Prop(ReadOnlySpan<byte> utf8Name, ReadOnlySpan<byte> utf8Alternative)
    {
        var v = Prop(utf8Name);
        return v.ValueKind != JsonValueKind.Undefined ? v : Prop(utf8Alternative);
    }

    /// <summary>The field as text (<see cref="JsonElementExtensions.Str(JsonElement)"/>), or null.</summary>
    public string? Str(ReadOnlySpan<byte> utf8Name) => Prop(utf8Name).Str();

    /// <summary>Length and three bytes (first, middle, last), mixed: enough to tell apart the names of one object.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> name)
    {
        int n = name.Length;
        uint h = (uint)n * 0x9E3779B1u;
        if (n > 0) h ^= name[0] | ((uint)name[n >> 1] << 8) | ((uint)name[n - 1] << 16);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return h;
    }
}
