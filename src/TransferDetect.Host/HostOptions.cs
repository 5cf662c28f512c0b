namespace TransferDetect.Host;

/// <summary>The host's command line: <c>-Command &lt;script&gt;</c> or <c>-File &lt;script.ps1&gt; [args]</c>, plus <c>-Module</c> and <c>-Width</c>.</summary>
public sealed class HostOptions
{
    public string? Command { get; private set; }
    public string? File { get; private set; }
    public List<string> FileArguments { get; } = new();
    public string? ModulePath { get; private set; }
    public int Width { get; private set; } = 200;
    public bool ShowHelp { get; private set; }

    public const string Usage =
        "TransferDetect.Host: runs PowerShell with the TransferDetect module imported, on machines without pwsh.\n" +
        "\n" +
        "  TransferDetect.Host -Command '<script>'\n" +
        "  TransferDetect.Host -File <script.ps1> [script arguments]\n" +
        "\n" +
        "  -Module <path>  the TransferDetect.psd1 to import (default: the built module in out/TransferDetect,\n" +
        "                  or the TRANSFERDETECT_MODULE environment variable)\n" +
        "  -Width <n>      the width tables are laid out for (default 200)\n" +
        "\n" +
        "Output is rendered through the module's format views. The exit code is 1 when the script throws or\n" +
        "a command in it raises a terminating error (a -File script stops at its first one), the code given\n" +
        "to 'exit N', and 0 otherwise. Non-terminating errors are shown and the script goes on.";

    /// <summary>Parses the host's arguments; throws <see cref="ArgumentException"/> with a usable message.</summary>
    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var o = new HostOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string name = a.TrimStart('-').ToLowerInvariant();
            if (o.File != null)
            {
                o.FileArguments.Add(a);
                continue;
            }
            switch (name)
            {
                case "command":
                case "c":
                    o.Command = Next(args, ref i, a);
                    break;
                case "file":
                case "f":
                    o.File = Next(args, ref i, a);
                    break;
                case "module":
                    o.ModulePath = Next(args, ref i, a);
                    break;
                case "width":
                    if (!int.TryParse(Next(args, ref i, a), out int w) || w < 40 || w > 2000)
                    {
                        throw new ArgumentException("-Width takes a number from 40 to 2000.");
                    }
                    o.Width = w;
                    break;
                case "help":
                case "h":
                case "?":
                    o.ShowHelp = true;
                    break;
                case "noprofile":
                case "nologo":
                case "noninteractive":
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{a}'.");
            }
        }
        if (!o.ShowHelp && (o.Command == null) == (o.File == null))
        {
            throw new ArgumentException("Give exactly one of -Command or -File.");
        }
        return o;
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
        return args[++i];
    }
}
