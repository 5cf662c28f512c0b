using System.Text;

namespace TransferDetect.HelpGen;

/// <summary>A block of help text: paragraphs, and the line of the markdown file it starts on.</summary>
internal sealed class HelpText
{
    public int Line { get; init; }
    public List<string> Paragraphs { get; } = new();
    public bool IsEmpty => Paragraphs.Count == 0;
}

/// <summary>A titled block: a parameter (-Name), an input or output type, an example.</summary>
internal sealed class HelpEntry
{
    public string Title { get; init; } = "";
    public int Line { get; init; }
    public HelpText Text { get; init; } = new();

    /// <summary>Examples only: the code of the one ```powershell block.</summary>
    public string? Code { get; set; }
    public int CodeBlocks { get; set; }
}

/// <summary>
/// One cmdlet's help as written in src/TransferDetect/help/&lt;Cmdlet&gt;.md (the format is described in
/// src/TransferDetect/help/README.md).
/// </summary>
internal sealed class HelpSource
{
    public static readonly string[] KnownSections =
        { "SYNOPSIS", "DESCRIPTION", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "EXAMPLES", "RELATED LINKS" };

    public string File { get; init; } = "";
    public string Name { get; private set; } = "";
    public int NameLine { get; private set; }
    public HelpText Synopsis { get; private set; } = new();
    public HelpText Description { get; private set; } = new();
    public HelpText Notes { get; private set; } = new();
    public List<HelpEntry> Parameters { get; } = new();
    public List<HelpEntry> Inputs { get; } = new();
    public List<HelpEntry> Outputs { get; } = new();
    public List<HelpEntry> Examples { get; } = new();
    public List<string> RelatedLinks { get; } = new();
    public HashSet<string> SectionsSeen { get; } = new(StringComparer.Ordinal);

    public static HelpSource Parse(string file, Diagnostics diagnostics)
    {
        var source = new HelpSource { File = file };
        string[] lines = System.IO.File.ReadAllLines(file);
        string? section = null;
        HelpText? text = null;
        HelpEntry? entry = null;
        var raw = new List<string>();

        void Flush()
        {
            if (text != null) Paragraphs(raw, text);
            raw.Clear();
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int lineNo = i + 1;
            if (line.TrimStart().StartsWith("<!--", StringComparison.Ordinal))
            {
                // Comments (one or more lines) are for the people editing the file.
                while (!lines[i].Contains("-->", StringComparison.Ordinal) && i + 1 < lines.Length) i++;
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                string lang = line.Substring(3).Trim();
                var code = new List<string>();
                int start = lineNo;
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++) code.Add(lines[i]);
                if (i >= lines.Length) diagnostics.Error(file, start, "the code block is not closed with ```.");
                if (section == "EXAMPLES" && entry != null)
                {
                    entry.CodeBlocks++;
                    if (!lang.Equals("powershell", StringComparison.OrdinalIgnoreCase))
                    {
                        diagnostics.Error(file, start, $"the code block of example '{entry.Title}' must be fenced as ```powershell.");
                    }
                    else if (entry.Code == null)
                    {
                        entry.Code = string.Join("\n", code).Trim('\n');
                    }
                }
                else
                {
                    diagnostics.Error(file, start, "code blocks are only allowed in EXAMPLES (one per example).");
                }
                continue;
            }
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Flush();
                text = null;
                if (source.Name.Length > 0) diagnostics.Error(file, lineNo, "only one '# <cmdlet name>' heading is allowed.");
                source.Name = line.Substring(2).Trim();
                source.NameLine = lineNo;
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                entry = null;
                section = line.Substring(3).Trim().ToUpperInvariant();
                if (!KnownSections.Contains(section))
                {
                    diagnostics.Error(file, lineNo, $"unknown section '## {line.Substring(3).Trim()}'; the sections are {string.Join(", ", KnownSections)}.");
                    text = null;
                    continue;
                }
                if (!source.SectionsSeen.Add(section)) diagnostics.Error(file, lineNo, $"the section '## {section}' appears twice.");
                text = section switch
                {
                    "SYNOPSIS" => source.Synopsis = new HelpText { Line = lineNo },
                    "DESCRIPTION" => source.Description = new HelpText { Line = lineNo },
                    "NOTES" => source.Notes = new HelpText { Line = lineNo },
                    _ => null,
                };
                continue;
            }
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                string title = line.Substring(4).Trim();
                entry = new HelpEntry { Title = title, Line = lineNo, Text = new HelpText { Line = lineNo } };
                text = entry.Text;
                switch (section)
                {
                    case "PARAMETERS":
                        if (!title.StartsWith("-", StringComparison.Ordinal))
                        {
                            diagnostics.Error(file, lineNo, $"a parameter heading is '### -<Name>', not '### {title}'.");
                        }
                        source.Parameters.Add(entry);
                        break;
                    case "INPUTS": source.Inputs.Add(entry); break;
                    case "OUTPUTS": source.Outputs.Add(entry); break;
                    case "EXAMPLES": source.Examples.Add(entry); break;
                    default:
                        diagnostics.Error(file, lineNo, $"'### {title}' is not allowed in section {section ?? "(none)"}.");
                        text = null;
                        entry = null;
                        break;
                }
                continue;
            }
            if (section == "RELATED LINKS")
            {
                string link = line.Trim();
                if (link.StartsWith("- ", StringComparison.Ordinal) || link.StartsWith("* ", StringComparison.Ordinal)) link = link.Substring(2).Trim();
                if (link.Length > 0) source.RelatedLinks.Add(Inline(link));
                continue;
            }
            if (text == null)
            {
                if (line.Trim().Length > 0) diagnostics.Error(file, lineNo, "text outside any section (or directly under ## PARAMETERS, INPUTS, OUTPUTS or EXAMPLES).");
                continue;
            }
            raw.Add(line);
        }
        Flush();
        return source;
    }

    /// <summary>
    /// Blank lines separate paragraphs, lines of one paragraph are joined with a space, a line that
    /// starts with "- " or "* " is a paragraph of its own (a list item); `code` and **bold** lose
    /// their marks, because Get-Help shows plain text.
    /// </summary>
    private static void Paragraphs(List<string> lines, HelpText into)
    {
        var current = new StringBuilder();
        void End()
        {
            if (current.Length > 0) into.Paragraphs.Add(Inline(current.ToString()));
            current.Clear();
        }
        foreach (string l in lines)
        {
            string t = l.Trim();
            if (t.Length == 0)
            {
                End();
                continue;
            }
            if (t.StartsWith("- ", StringComparison.Ordinal) || t.StartsWith("* ", StringComparison.Ordinal))
            {
                End();
                current.Append("- ").Append(t.Substring(2).Trim());
                continue;
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(t);
        }
        End();
    }

    private static string Inline(string s) => s.Replace("**", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
}
