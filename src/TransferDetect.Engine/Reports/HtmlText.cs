using System.IO;
using System.Text;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// Encodes text from logs (attacker-controlled) for HTML and SVG, in text and in quoted attribute values:
/// &amp; &lt; &gt; &quot; and ' become character references, so no value can open or close an element
/// or an attribute. Characters that would mislead a reader or break the document are made visible or
/// replaced: C0 controls other than tab, LF and CR and DEL become U+FFFD, a lone surrogate becomes
/// U+FFFD, and the bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which
/// can make text display in another order than it is, are shown as [U+202E].
/// </summary>
public static class HtmlText
{
    public static string Encode(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var sb = new StringBuilder(value!.Length + 16);
        Append(sb, value);
        return sb.ToString();
    }

    public static void Write(TextWriter w, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        w.Write(NeedsEncoding(value!) ? Encode(value) : value);
    }

    /// <summary>True when <see cref="Encode"/> may change the value (false: write it as it is, without a copy).</summary>
    private static bool NeedsEncoding(string s)
    {
        foreach (char c in s)
        {
            if (c < 0x20 || c == 0x7F) return true;
            switch (c)
            {
                case '&':
                case '<':
                case '>':
                case '"':
                case '\'':
                    return true;
            }
            if (c >= '\u061C' && (IsBidiControl(c) || char.IsSurrogate(c))) return true;
        }
        return false;
    }

    private static bool IsBidiControl(char c) =>
        (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F' || c == '\u061C';

    private static void Append(StringBuilder sb, string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); continue;
                case '<': sb.Append("&lt;"); continue;
                case '>': sb.Append("&gt;"); continue;
                case '"': sb.Append("&quot;"); continue;
                case '\'': sb.Append("&#39;"); continue;
                case '\t':
                case '\n':
                case '\r':
                    sb.Append(c);
                    continue;
            }
            if (c < 0x20 || c == 0x7F)
            {
                sb.Append('\uFFFD');
            }
            else if (IsBidiControl(c))
            {
                sb.Append("[U+").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append(']');
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    sb.Append(c).Append(s[i + 1]);
                    i++;
                }
                else
                {
                    sb.Append('\uFFFD');
                }
            }
            else if (char.IsLowSurrogate(c))
            {
                sb.Append('\uFFFD');
            }
            else
            {
                sb.Append(c);
            }
        }
    }
}
