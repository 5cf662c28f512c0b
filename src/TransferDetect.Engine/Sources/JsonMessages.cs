using System;
using System.Text.Json;

namespace TransferDetect.Engine.Sources;

internal static class JsonMessages
{
    /// <summary>System.Text.Json messages name a .NET type path; keep the part about the place.</summary>
    public static string Clean(JsonException e)
    {
        string head = e.Message;
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            int cut = head.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) head = head.Substring(0, cut);
        }
        return e.BytePositionInLine is long col ? $"{head.TrimEnd('.')} (at byte {col} of the record)" : head;
    }
}
