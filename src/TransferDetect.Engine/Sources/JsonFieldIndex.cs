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
/// indexed, and its lookups go to <c>TryGetProperty</c>, which compares unescaped names.
/// </remarks>
internal sealed class JsonFieldIndex
{
    /// <summary>Objects with more fields than this are not indexed (a table per record must stay small).</summary>
    internal const int MaxFields = 128;

    private readonly JsonElement _object;
    private readonly JsonProperty[]? _fields;
    // Slot i holds 1 + the index in _fields of the field whose name hashes there (probed linearly), 0 when empty.
    private readonly byte[]? _slots;
    private readonly int _mask;

    public JsonFieldIndex(JsonElement obj)
    {
        _object = obj;
        if (obj.ValueKind != JsonValueKind.Object) return;
        int count = obj.GetPropertyCount();
        if (count > MaxFields) return;
        int size = 16;
        while (size < count * 2) size <<= 1;
        var fields = new JsonProperty[count];
        var slots = new byte[size];
        int mask = size - 1;
        int n = 0;
        foreach (var field in obj.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(field);
            if (name.IndexOf((byte)'\\') >= 0) return;
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
        _fields = fields;
        _slots = slots;
        _mask = mask;
    }

    /// <summary>The object indexed (default when it was not an object).</summary>
    public JsonElement Object => _object;

    /// <summary>Whether the fields are hashed (false: not an object, too many fields, or an escaped name).</summary>
    internal bool Indexed => _slots != null;

    /// <summary>The field's value, or default.</summary>
    public JsonElement Prop(ReadOnlySpan<byte> utf8Name)
    {
        if (_slots == null) return _object.Prop(utf8Name);
        int slot = (int)Hash(utf8Name) & _mask;
        while (true)
        {
            int at = _slots[slot];
            if (at == 0) return default;
            var field = _fields![at - 1];
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
