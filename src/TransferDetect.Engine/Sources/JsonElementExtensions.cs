using System;
using System.Text.Json;

namespace TransferDetect.Engine.Sources;

internal static class JsonElementExtensions
{
    /// <summary>The property, or default when the element is not an object or lacks it.</summary>
    public static JsonElement Prop(this JsonElement e, string name)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)) return v;
        return default;
    }

    /// <summary>The first of several spellings of a property (camelCase and PascalCase exports differ).</summary>
    public static JsonElement Prop(this JsonElement e, string name, string alternative)
    {
        var v = e.Prop(name);
        return v.ValueKind != JsonValueKind.Undefined ? v : e.Prop(alternative);
    }

    /// <summary>
    /// The property named by UTF-8 bytes (a <c>"name"u8</c> literal), or default: the same answer as the string
    /// overload without transcoding the name again on every call, which the Azure reader's many lookups of absent
    /// spellings paid for on every record it parsed.
    /// </summary>
    public static JsonElement Prop(this JsonElement e, ReadOnlySpan<byte> utf8Name)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(utf8Name, out var v)) return v;
        return default;
    }

    /// <inheritdoc cref="Prop(JsonElement, string, string)"/>
    public static JsonElement Prop(this JsonElement e, ReadOnlySpan<byte> utf8Name, ReadOnlySpan<byte> utf8Alternative)
    {
        var v = e.Prop(utf8Name);
        return v.ValueKind != JsonValueKind.Undefined ? v : e.Prop(utf8Alternative);
    }

    public static string? Str(this JsonElement e, ReadOnlySpan<byte> utf8Name) => e.Prop(utf8Name).Str();

    /// <summary>A string value, or the text of a number or boolean; null otherwise.</summary>
    public static string? Str(this JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static string? Str(this JsonElement e, string name) => e.Prop(name).Str();

    public static bool IsObject(this JsonElement e) => e.ValueKind == JsonValueKind.Object;

    /// <summary>Compares ignoring case and underscores: CREATE_VOLUME_PERMISSION equals createVolumePermission.</summary>
    public static bool LooseEquals(string? a, string b)
    {
        if (a == null) return false;
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && a[i] == '_') i++;
            while (j < b.Length && b[j] == '_') j++;
            if (i == a.Length || j == b.Length) return i == a.Length && j == b.Length;
            if (char.ToLowerInvariant(a[i]) != char.ToLowerInvariant(b[j])) return false;
            i++;
            j++;
        }
    }
}
