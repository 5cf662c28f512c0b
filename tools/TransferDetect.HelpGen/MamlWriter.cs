using System.Text;
using System.Xml;

namespace TransferDetect.HelpGen;

/// <summary>
/// Writes MAML command help (the schema Get-Help reads for binary cmdlets): the text comes from the
/// markdown, everything PowerShell knows about binding (syntax, types, positions, pipeline input,
/// aliases, wildcards, valid values) comes from the cmdlet's attributes.
/// </summary>
internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Write(string path, IEnumerable<(CmdletModel Cmdlet, HelpSource Help)> commands)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        string temp = path + ".tmp";
        using (var w = XmlWriter.Create(temp, settings))
        {
            w.WriteStartDocument();
            w.WriteComment(" Generated at build time by tools/TransferDetect.HelpGen from src/TransferDetect/help/*.md. Do not edit. ");
            w.WriteStartElement("helpItems", Msh);
            w.WriteAttributeString("schema", "maml");
            w.WriteAttributeString("xmlns", "maml", null, Maml);
            w.WriteAttributeString("xmlns", "command", null, Command);
            w.WriteAttributeString("xmlns", "dev", null, Dev);
            foreach (var (cmdlet, help) in commands) WriteCommand(w, cmdlet, help);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteCommand(XmlWriter w, CmdletModel c, HelpSource h)
    {
        w.WriteStartElement("command", "command", Command);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, c.Name);
        Description(w, h.Synopsis);
        w.WriteElementString("command", "verb", Command, c.Verb);
        w.WriteElementString("command", "noun", Command, c.Noun);
        w.WriteEndElement();

        Description(w, h.Description);

        w.WriteStartElement("command", "syntax", Command);
        foreach (string set in c.ParameterSets)
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, c.Name);
            var inSet = c.Parameters.Where(p => p.InSet(set))
                .OrderBy(p => p.For(set)!.Position >= 0 ? p.For(set)!.Position : int.MaxValue)
                .ThenBy(p => p.Order);
            foreach (var p in inSet) Parameter(w, c, h, p, set, inSyntax: true);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var p in c.Parameters.OrderBy(p => p.Order)) Parameter(w, c, h, p, c.ParameterSets.First(p.InSet), inSyntax: false);
        w.WriteEndElement();

        TypeList(w, "inputTypes", "inputType", h.Inputs);
        TypeList(w, "returnValues", "returnValue", h.Outputs);

        if (!h.Notes.IsEmpty)
        {
            w.WriteStartElement("maml", "alertSet", Maml);
            w.WriteStartElement("maml", "alert", Maml);
            foreach (string para in h.Notes.Paragraphs) w.WriteElementString("maml", "para", Maml, para);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", Command);
        int n = 0;
        foreach (var e in h.Examples)
        {
            n++;
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- Example {n}: {e.Title} --------------------------");
            w.WriteElementString("dev", "code", Dev, e.Code ?? "");
            w.WriteStartElement("dev", "remarks", Dev);
            foreach (string para in e.Text.Paragraphs) w.WriteElementString("maml", "para", Maml, para);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        foreach (string link in h.RelatedLinks)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, link);
            w.WriteElementString("maml", "uri", Maml, "");
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteEndElement();
    }

    private static void Parameter(XmlWriter w, CmdletModel c, HelpSource h, ParameterModel p, string set, bool inSyntax)
    {
        var attribute = p.For(set)!;
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", attribute.Mandatory ? "true" : "false");
        w.WriteAttributeString("variableLength", p.Type.IsArray ? "true" : "false");
        w.WriteAttributeString("globbing", p.SupportsWildcards ? "true" : "false");
        w.WriteAttributeString("pipelineInput", p.PipelineInput);
        w.WriteAttributeString("position", attribute.Position >= 0 ? attribute.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named");
        w.WriteAttributeString("aliases", p.Aliases.Count > 0 ? string.Join(", ", p.Aliases) : "none");
        w.WriteElementString("maml", "name", Maml, p.Name);
        var section = h.Parameters.First(s => s.Title.TrimStart('-').Equals(p.Name, StringComparison.OrdinalIgnoreCase));
        var paragraphs = section.Text.Paragraphs.ToList();
        if (!inSyntax && c.ParameterSets.Count > 1)
        {
            var sets = c.ParameterSets.Where(p.InSet).ToList();
            paragraphs.Add(sets.Count == c.ParameterSets.Count
                ? "Parameter sets: all."
                : $"Parameter set{(sets.Count > 1 ? "s" : "")}: {string.Join(", ", sets)}.");
        }
        w.WriteStartElement("maml", "description", Maml);
        foreach (string para in paragraphs) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
        if (p.ValidValues.Count > 0)
        {
            w.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (string v in p.ValidValues)
            {
                w.WriteStartElement("command", "parameterValue", Command);
                w.WriteAttributeString("required", "false");
                w.WriteAttributeString("variableLength", "false");
                w.WriteString(v);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        if (!(inSyntax && p.IsSwitch))
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", p.IsSwitch ? "false" : "true");
            w.WriteAttributeString("variableLength", p.Type.IsArray ? "true" : "false");
            w.WriteString(p.Type.Name);
            w.WriteEndElement();
        }
        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, p.Type.FullName);
        w.WriteElementString("maml", "uri", Maml, "");
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, p.IsSwitch ? "False" : "None");
        w.WriteEndElement();
    }

    private static void TypeList(XmlWriter w, string list, string item, List<HelpEntry> entries)
    {
        w.WriteStartElement("command", list, Command);
        foreach (var e in entries)
        {
            w.WriteStartElement("command", item, Command);
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, e.Title);
            w.WriteEndElement();
            Description(w, e.Text);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void Description(XmlWriter w, HelpText text)
    {
        w.WriteStartElement("maml", "description", Maml);
        foreach (string para in text.Paragraphs) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
    }
}
