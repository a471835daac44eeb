using Orleans.Dashboard;
using RelationGraph.Silo.Api;
using RelationGraph.Silo.Api.Protection;
using RelationGraph.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);

await builder.AddRelationGraphDevelopmentDatabaseAsync();
builder.AddRelationGraphSilo();
builder.AddRelationGraphApi();
builder.AddRelationGraphApiEdge();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRelationGraphApiEdge();
app.MapRelationGraphApi();
app.MapRelationGraphHealth();
app.MapOrleansDashboard("/dashboard");

await app.RunAsync();

/// <summary>The silo's entry point; public for the test host.</summary>
public partial class Program;
