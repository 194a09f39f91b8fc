# Apply a delta under a temporary image
FROM delta:2 as applied
COPY --from=deltaimage/deltaimage:1.2.3 /opt/deltaimage /opt/deltaimage
USER 0:0
RUN ["/opt/deltaimage/deltaimage", "apply", "/", "/__deltaimage__.delta"]

# Make the original image from applied delta
FROM scratch
# The target image's config, recorded by docker-file diff
ENV PATH="/usr/local/bin:/usr/bin:/bin" \
    GREETING="hello \"world\" \$HOME \\n" \
    EMPTY=""
LABEL "key with space"="v" \
    org.opencontainers.image.title="say \"hi\" for \$5 \\ more"
EXPOSE 8080/tcp 9090/udp
WORKDIR /srv/my app
USER 10001:10001
ENTRYPOINT ["/docker-entrypoint.sh", "--flag=\"x\""]
CMD ["serve", "--port", "8080", "$NOT_EXPANDED"]
COPY --from=applied /__deltaimage__.delta/ /
VOLUME ["/cache", "/data"]
