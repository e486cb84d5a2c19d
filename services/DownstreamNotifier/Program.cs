using DownstreamNotifier;
using Coordination.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(DownstreamNotifierExtensions.Service, DownstreamNotifierExtensions.ConfigureBus);
builder.AddDownstreamNotifier();

var app = builder.BuildService();
app.MapDefaultEndpoints();
app.MapDownstreamNotifierApis();

return await app.RunServiceAsync();
