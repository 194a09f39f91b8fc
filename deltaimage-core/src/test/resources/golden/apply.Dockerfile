# Apply a delta under a temporary image
FROM delta:2 as applied
COPY --from=deltaimage/deltaimage:1.2.3 /opt/deltaimage /opt/deltaimage
USER 0:0
RUN ["/opt/deltaimage/deltaimage", "apply", "/", "/__deltaimage__.delta"]

# Make the original image from applied delta
FROM scratch
COPY --from=applied /__deltaimage__.delta/ /
