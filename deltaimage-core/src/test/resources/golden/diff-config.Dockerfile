# Calculate delta under a temporary image
FROM scratch as delta
COPY --from=old:1 / /source/
COPY --from=new:2 / /delta/
COPY --from=deltaimage/deltaimage:1.2.3 /opt/deltaimage /opt/deltaimage
RUN ["/opt/deltaimage/deltaimage", "diff", "/source", "/delta"]

# Make the deltaimage
FROM old:1
COPY --from=delta /delta /__deltaimage__.delta
LABEL io.github.deltaimage.target-config="eyJlbnYiOlsiUEFUSD0vdXNyL2xvY2FsL2JpbjovdXNyL2JpbjovYmluIiwiR1JFRVRJTkc9aGVsbG8gXCJ3b3JsZFwiICRIT01FIFxcbiIsIkVNUFRZPSJdLCJlbnRyeXBvaW50IjpbIi9kb2NrZXItZW50cnlwb2ludC5zaCIsIi0tZmxhZz1cInhcIiJdLCJjbWQiOlsic2VydmUiLCItLXBvcnQiLCI4MDgwIiwiJE5PVF9FWFBBTkRFRCJdLCJ3b3JraW5nRGlyIjoiL3Nydi9teSBhcHAiLCJ1c2VyIjoiMTAwMDE6MTAwMDEiLCJleHBvc2VkUG9ydHMiOlsiODA4MC90Y3AiLCI5MDkwL3VkcCJdLCJ2b2x1bWVzIjpbIi9jYWNoZSIsIi9kYXRhIl0sImxhYmVscyI6eyJrZXkgd2l0aCBzcGFjZSI6InYiLCJvcmcub3BlbmNvbnRhaW5lcnMuaW1hZ2UudGl0bGUiOiJzYXkgXCJoaVwiIGZvciAkNSBcXCBtb3JlIn19"
