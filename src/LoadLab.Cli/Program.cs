using LoadLab.Cli;

return await CommandLine.InvokeAsync(CommandLine.CreateRoot(), args);
