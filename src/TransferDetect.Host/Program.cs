using TransferDetect.Host;

HostOptions options;
try
{
    options = HostOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(HostOptions.Usage);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(HostOptions.Usage);
    return 0;
}
return ScriptRunner.Run(options, Console.Out, Console.Error);
