# Calculate delta under a temporary image
FROM scratch as delta
COPY --from=old:1 / /source/
COPY --from=new:2 / /delta/
COPY --from=deltaimage/deltaimage:1.2.3 /opt/deltaimage /opt/deltaimage
RUN ["/opt/deltaimage/deltaimage", "diff", "/source", "/delta"]

# Make the deltaimage
FROM old:1
COPY --from=delta /delta /__deltaimage__.delta
